using HealthChecks.UI.Client;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Health;

/// <summary>
/// Three levels of health:
/// <c>/health</c> answers while the process serves HTTP (Docker HEALTHCHECK, load balancers);
/// <c>/health/live</c> runs the checks tagged live only (none by default), never a dependency;
/// <c>/health/ready</c> checks every datastore, each with a timeout, and turns 503 when one fails or shutdown begins;
/// its per-check report is served on the management port only (<see cref="ManagementPort"/>).
/// Probes short-circuit the pipeline: they come every few seconds from Docker, proxies and Prometheus, so they skip
/// request logging and the HTTP metrics (their latency would hide the API's) and cost as little as a probe can.
/// Their failures are logged by the health checks themselves.
/// </summary>
internal static class HealthExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        // Every readiness check gets Health:CheckTimeout here, after all of them are registered.
        builder.Services.AddOptions<HealthCheckServiceOptions>().PostConfigure<IOptions<HealthOptions>>((options, health) =>
        {
            foreach (var registration in options.Registrations.Where(registration => registration.Tags.Contains(HealthTags.Ready)))
            {
                registration.Timeout = health.Value.CheckTimeout;
            }
        });
        builder.Services.AddSingleton<ReadinessProbe>();
        // Liveness has no check of its own: answering is the proof. A check tagged "live" (a deadlock detector,
        // say) joins it; a check that always answers Healthy would only halve the probe's throughput.
        builder.Services.AddHealthChecks()
            .AddCheck<ShutdownHealthCheck>("shutdown", tags: [HealthTags.Ready]);
        builder.Services.AddHostedService<HealthCheckMetrics>();
        return builder;
    }

    /// <summary>Liveness runs the checks tagged live only (none by default).</summary>
    public static HealthCheckOptions Liveness { get; } = new() { Predicate = registration => registration.Tags.Contains(HealthTags.Live) };

    /// <summary>The public port's probes: each answers with its status alone. The report is the management port's.</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapGet("/health", () => TypedResults.Text("Healthy"))
            .ExcludeFromDescription()
            .ShortCircuit();

        // The status alone ("Healthy"), as no check has anything more to report.
        app.MapHealthChecks(LivePath, Liveness).ShortCircuit();

        app.MapGet(ReadyPath, (HttpContext context) => WriteReadinessAsync(context, detailed: false))
            .ExcludeFromDescription()
            .ShortCircuit();

        return app;
    }

    /// <summary>
    /// Readiness: 200 or 503, and the per-check report (<paramref name="detailed"/>, without exception details outside
    /// Development) unless plain text is all the caller accepts.
    /// </summary>
    public static async Task WriteReadinessAsync(HttpContext context, bool detailed)
    {
        var report = await context.RequestServices.GetRequiredService<ReadinessProbe>().CheckAsync(context.RequestAborted);
        if (!context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            report = HealthReportRedaction.WithoutDetails(report);
        }

        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy
            ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
        if (!detailed || AcceptsOnlyPlainText(context.Request))
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(report.Status.ToString(), context.RequestAborted);
            return;
        }

        await UIResponseWriter.WriteHealthCheckUIResponse(context, report);
    }

    private static bool AcceptsOnlyPlainText(HttpRequest request) =>
        request.GetTypedHeaders().Accept is { Count: > 0 } accepted && accepted.All(media => media.MediaType == "text/plain");
}

/// <summary>Tags that decide which endpoint runs a check.</summary>
internal static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}

/// <summary>Settings under <c>Health</c>.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>How long one datastore check may take before it counts as failed.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a readiness result is reused, so probes from many sources cost the datastores little.</summary>
    public TimeSpan ReadinessCacheDuration { get; set; } = TimeSpan.FromSeconds(1);
}
