using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// Publishes every health check's last status as the gauge <c>aspnetcore_healthcheck_status</c>
/// (1 healthy, 0.5 degraded, 0 unhealthy), so alerts and dashboards see a datastore go away.
/// </summary>
internal sealed class HealthCheckMetricsPublisher : IHealthCheckPublisher
{
    public const string MetricName = "aspnetcore_healthcheck_status";

    private static readonly Gauge Status = Metrics.CreateGauge(
        MetricName, "Status of each ASP.NET Core health check: 1 healthy, 0.5 degraded, 0 unhealthy.", "name");

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
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

        return Task.CompletedTask;
    }
}
