using Prometheus;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// Prometheus metrics at <c>/metrics</c>: HTTP (http_request_duration_seconds, ...), .NET runtime, and health-check status.
/// The proxy keeps this path private; Prometheus scrapes the replicas directly on the backend network.
/// </summary>
internal static class MetricsExtensions
{
    public const string Path = "/metrics";

    private const string RuntimeMeter = "System.Runtime";

    public static WebApplication UseMetricsEndpoint(this WebApplication app)
    {
        // At the first scrape prometheus-net starts adapters that re-publish .NET's meters and EventCounters. Only
        // the runtime's meter is kept (system_runtime_*: GC, JIT, thread pool, read when scraped). The others would
        // record each request a second time (ASP.NET Core, Kestrel, routing, auth, EF Core) at a cost that only
        // scraped replicas pay, and the dashboards and alerts read none of them.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });
        Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument => instrument.Meter.Name == RuntimeMeter);
        app.UseHttpMetrics();
        // Scrapes short-circuit like the health probes: not logged, not counted in the HTTP metrics.
        app.MapMetrics(Path).ShortCircuit();
        return app;
    }
}
