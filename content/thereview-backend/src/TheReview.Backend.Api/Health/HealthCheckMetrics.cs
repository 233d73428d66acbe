using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace TheReview.Backend.Api.Health;

/// <summary>
/// Publishes each readiness check's last status as the gauge <c>aspnetcore_healthcheck_status</c>
/// (1 healthy, 0.5 degraded, 0 unhealthy), so alerts and dashboards see a datastore go away. Every readiness
/// result the probes get is published. When Prometheus scrapes, the probe's cached result is published if one is
/// fresh; only when no probe came are the checks run, without filling the probes' cache. Nothing runs between
/// scrapes, so a replica that nobody probes or scrapes costs the datastores nothing and sleeps (docs/architecture.md).
/// </summary>
internal sealed class HealthCheckMetrics(ReadinessProbe probe, HealthCheckService health) : IHostedService
{
    public const string MetricName = "aspnetcore_healthcheck_status";

    private static readonly Gauge Status = Metrics.CreateGauge(
        MetricName, "Status of each ASP.NET Core readiness check: 1 healthy, 0.5 degraded, 0 unhealthy.", "name");

    // The registry and the gauge belong to the process, the checks to the running host (one at a time; tests start several).
    private static HealthCheckMetrics? running;

    static HealthCheckMetrics() =>
        Metrics.DefaultRegistry.AddBeforeCollectCallback(cancellationToken => running?.PublishCurrentAsync(cancellationToken) ?? Task.CompletedTask);

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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        running = this;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref running, null, this);
        return Task.CompletedTask;
    }

    private async Task PublishCurrentAsync(CancellationToken cancellationToken) =>
        Publish(probe.TryGetFresh(out var cached)
            ? cached
            : await health.CheckHealthAsync(registration => registration.Tags.Contains(HealthTags.Ready), cancellationToken));
}
