using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Health;

/// <summary>
/// Runs the readiness checks at most once per cache period, however many probes arrive at once
/// (proxies, orchestrators, monitoring), and never serves a cached "healthy" once shutdown has begun.
/// </summary>
internal sealed class ReadinessProbe(
    HealthCheckService health,
    IHostApplicationLifetime lifetime,
    IOptions<HealthOptions> options,
    TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private HealthReport? last;
    private DateTimeOffset lastAt;

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (TryGetFresh(out var cached))
        {
            return cached;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (TryGetFresh(out cached))
            {
                return cached;
            }

            var report = await health.CheckHealthAsync(r => r.Tags.Contains(HealthTags.Ready), cancellationToken);
            (last, lastAt) = (report, clock.GetUtcNow());
            HealthCheckMetrics.Publish(report);
            return report;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The last result while it is fresh: what a probe arriving now would get without any check.</summary>
    public bool TryGetFresh(out HealthReport report)
    {
        report = last!;
        return last is not null
            && !lifetime.ApplicationStopping.IsCancellationRequested
            && clock.GetUtcNow() - lastAt < options.Value.ReadinessCacheDuration;
    }

    public void Dispose() => gate.Dispose();
}
