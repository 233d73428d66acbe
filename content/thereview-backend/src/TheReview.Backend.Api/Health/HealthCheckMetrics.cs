using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace TheReview.Backend.Api.Health;

/// <summary>
/// Publishes each readiness check's last status as the gauge <c>aspnetcore_healthcheck_status</c>
/// (1 healthy, 0.5 degraded, 0 unhealthy), so alerts and dashboards see a datastore go away. Every readiness
/// result the probes get is published. Every 15 s this service publishes the probe's cached result when one is
/// fresh, so under regular probes the metrics cost the datastores no round trip of their own; only when no probe
/// came does it run the checks, without filling the probes' cache.
/// </summary>
internal sealed class HealthCheckMetrics(ReadinessProbe probe, HealthCheckService health) : BackgroundService
{
    public const string MetricName = "aspnetcore_healthcheck_status";

    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    private static readonly Gauge Status = Metrics.CreateGauge(
        MetricName, "Status of each ASP.NET Core readiness check: 1 healthy, 0.5 degraded, 0 unhealthy.", "name");

    public static void Publish(HealthReport report)
    {
        foreach (var (name, entry) in report.Entries)
        {
            Status.WithLabels(name).Set(entry.Status switch
            {
                HealthStatus.Healthy => 1,
                HealthStatus.Degraded => 0.5,
                _ => 0,
            });
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(Delay, stoppingToken);
        using var timer = new PeriodicTimer(Period);
        do
        {
            Publish(probe.TryGetFresh(out var cached)
                ? cached
                : await health.CheckHealthAsync(registration => registration.Tags.Contains(HealthTags.Ready), stoppingToken));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
