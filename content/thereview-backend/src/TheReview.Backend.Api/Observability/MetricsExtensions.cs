using Prometheus;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// Prometheus metrics at <c>/metrics</c>: HTTP (http_request_duration_seconds, ...), .NET runtime, and health-check status.
/// The proxy keeps this path private; Prometheus scrapes the replicas directly on the backend network.
/// </summary>
internal static class MetricsExtensions
{
    public const string Path = "/metrics";

    public static WebApplication UseMetricsEndpoint(this WebApplication app)
    {
        // prometheus-net would also start, at the first scrape, adapters that re-publish every .NET Meter and
        // EventCounter: each request would be recorded twice (UseHttpMetrics and ASP.NET Core's own meter), at a
        // cost per request that only scraped replicas pay. The dashboards and alerts read none of those series.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true, SuppressMeters = true });
        app.UseHttpMetrics();
        // Scrapes short-circuit like the health probes: not logged, not counted in the HTTP metrics.
        app.MapMetrics(Path).ShortCircuit();
        return app;
    }
}
