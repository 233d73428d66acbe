using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TheReview.Backend.Api.Health;

/// <summary>Fails readiness as soon as the host starts stopping, so proxies stop routing new requests here while in-flight ones drain.</summary>
internal sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The service is shutting down.")
            : HealthCheckResult.Healthy("The service is running."));
}
