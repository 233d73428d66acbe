using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// OpenTelemetry traces, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector; without one
/// no span is recorded. Metrics stay with prometheus-net (<c>/metrics</c>). Each datastore adds its own
/// instrumentation where it is registered (<c>Datastores/*Extensions</c>).
/// </summary>
internal static class TracingExtensions
{
    /// <summary>The OpenTelemetry specification's variable, read by the OTLP exporter itself (with OTEL_EXPORTER_OTLP_PROTOCOL).</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddTracing(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName, serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbeOrScrape(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        return builder;
    }

    // Probes and scrapes arrive every few seconds from every replica's neighbours: spans of them would bury the API's.
    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(MetricsExtensions.Path, StringComparison.OrdinalIgnoreCase);
}
