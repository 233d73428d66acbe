using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// Publishes each readiness check's last status as the gauge <c>aspnetcore_healthcheck_status</c>
/// (1 healthy, 0.5 degraded, 0 unhealthy), so alerts and dashboards see a datastore go away. Every fresh
/// readiness result is published; between probes this service asks the probe itself every 15 s, which answers
/// from its cache when a probe has just run, so the metrics cost the datastores no round trip of their own.
/// </summary>
internal sealed class HealthCheckMetrics(ReadinessProbe probe) : BackgroundService
{
    public const string MetricName = "aspnetcore_healthcheck_status";

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
        using var timer = new PeriodicTimer(Period);
        do
        {
            await probe.CheckAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
