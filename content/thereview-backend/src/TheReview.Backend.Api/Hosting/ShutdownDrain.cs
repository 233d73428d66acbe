namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// On SIGTERM, readiness turns 503 at once, but the server keeps accepting for <c>Hosting:DrainDelay</c>
/// before it stops listening: proxies and DNS need that long to route new requests elsewhere.
/// Requests in flight then finish within <c>Hosting:ShutdownTimeout</c>.
/// </summary>
internal sealed class ShutdownDrain(IConfiguration configuration) : IHostedLifecycleService
{
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromSeconds(2);

    public Task StoppingAsync(CancellationToken cancellationToken) =>
        Task.Delay(configuration.GetValue("Hosting:DrainDelay", DefaultDelay), cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
