using Prometheus;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// Prometheus metrics at <c>/metrics</c> on the management port (<see cref="ManagementPort"/>): HTTP
/// (http_request_duration_seconds, ...), .NET runtime, and health-check status. Prometheus scrapes each replica there.
/// </summary>
internal static class MetricsExtensions
{
    public const string Path = "/metrics";

    private const string RuntimeMeter = "System.Runtime";

    public static WebApplication UseHttpRequestMetrics(this WebApplication app)
    {
        // At the first scrape prometheus-net starts adapters that re-publish .NET's meters and EventCounters. Only
        // the runtime's meter is kept (system_runtime_*: GC, JIT, thread pool, read when scraped). The others would
        // record each request a second time (ASP.NET Core, Kestrel, routing, auth, EF Core) at a cost that only
        // scraped replicas pay, and the dashboards and alerts read none of them.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });
        Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument => instrument.Meter.Name == RuntimeMeter);
        // Scrapes and probes never get here: the management port and the short-circuited probes skip it.
        app.UseHttpMetrics();
        return app;
    }
}
