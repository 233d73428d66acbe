using System.Diagnostics;
using System.Globalization;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// OpenTelemetry traces, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector; without one
/// no span is recorded, but every request still carries its W3C trace context. Metrics stay with prometheus-net (<c>/metrics</c>). Each datastore adds its own
/// instrumentation where it is registered (<c>Datastores/*Extensions</c>).
/// </summary>
internal static class TracingExtensions
{
    /// <summary>The OpenTelemetry specification's variable, read by the OTLP exporter itself (with OTEL_EXPORTER_OTLP_PROTOCOL).</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The specification's sampler variables, read by the SDK itself; only their defaults and checks are ours.</summary>
    public const string SamplerVariable = "OTEL_TRACES_SAMPLER";

    public const string SamplerArgumentVariable = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>
    /// Without OTEL_TRACES_SAMPLER a caller's decision is followed, and this share of the requests that start a
    /// trace here is recorded: enough to see every kind of request, a tenth of the spans to ship and store.
    /// </summary>
    public const double DefaultSampleRatio = 0.1;

    // The samplers the .NET SDK knows; it would fall back to always_on on any other value without a word.
    private static readonly string[] Samplers =
        ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"];

    // ASP.NET Core starts a request's Activity (its W3C trace context, from the caller's traceparent or new) only
    // when something listens. The logs' trace id, X-Correlation-ID and ProblemDetails' traceId need it in every
    // service, whatever its datastores' libraries listen to: this listener asks for the context, not for spans.
    private static readonly ActivityListener RequestActivities = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    private static int listening;

    public static WebApplicationBuilder AddTracing(this WebApplicationBuilder builder)
    {
        // Once per process, however many hosts it builds (the tests build several).
        if (Interlocked.Exchange(ref listening, 1) == 0)
        {
            ActivitySource.AddActivityListener(RequestActivities);
        }

        var sampler = builder.Configuration[SamplerVariable];
        ValidateSampler(sampler, builder.Configuration[SamplerArgumentVariable]);
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName, serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing =>
            {
                if (string.IsNullOrWhiteSpace(sampler))
                {
                    tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(DefaultSampleRatio)));
                }

                tracing
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbeOrScrape(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddOtlpExporter();
            });
        return builder;
    }

    private static void ValidateSampler(string? sampler, string? argument)
    {
        if (!string.IsNullOrWhiteSpace(sampler) && !Samplers.Contains(sampler.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidSettingException(
                $"Invalid setting {SamplerVariable}: give one of {string.Join(", ", Samplers)}.");
        }

        if (!string.IsNullOrWhiteSpace(argument)
            && !(double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1))
        {
            throw new InvalidSettingException(
                $"Invalid setting {SamplerArgumentVariable}: give the share of traces to record, from 0 to 1, such as 0.1.");
        }
    }

    // Probes and scrapes arrive every few seconds from every replica's neighbours: spans of them would bury the API's.
    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(MetricsExtensions.Path, StringComparison.OrdinalIgnoreCase);
}
