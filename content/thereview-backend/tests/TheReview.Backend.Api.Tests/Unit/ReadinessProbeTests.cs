using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Tests.Unit;

public sealed class ReadinessProbeTests : IDisposable
{
    private readonly CountingHealthCheckService health = new();
    private readonly StoppableLifetime lifetime = new();
    private readonly ManualClock clock = new();

    [Fact]
    public async Task Probes_within_the_cache_period_reuse_one_check_run()
    {
        using var probe = CreateProbe(TimeSpan.FromSeconds(1));

        for (var i = 0; i < 50; i++)
        {
            await probe.CheckAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, health.Runs);
    }

    [Fact]
    public async Task A_probe_after_the_cache_period_runs_the_checks_again()
    {
        using var probe = CreateProbe(TimeSpan.FromSeconds(1));

        await probe.CheckAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromSeconds(1.5));
        await probe.CheckAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, health.Runs);
    }

    [Fact]
    public async Task Once_shutdown_begins_the_cached_result_is_not_reused()
    {
        using var probe = CreateProbe(TimeSpan.FromMinutes(1));
        await probe.CheckAsync(TestContext.Current.CancellationToken);

        lifetime.StopApplication();
        await probe.CheckAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, health.Runs);
    }

    public void Dispose() => lifetime.Dispose();

    private ReadinessProbe CreateProbe(TimeSpan cacheDuration) =>
        new(health, lifetime, Options.Create(new HealthOptions { ReadinessCacheDuration = cacheDuration }), clock);

    private sealed class CountingHealthCheckService : HealthCheckService
    {
        public int Runs { get; private set; }

        public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default)
        {
            Runs++;
            return Task.FromResult(new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero));
        }
    }

    private sealed class StoppableLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => stopping.Cancel();

        public void Dispose() => stopping.Dispose();
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
