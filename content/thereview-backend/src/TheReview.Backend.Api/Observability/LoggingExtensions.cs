using System.Diagnostics;
using Serilog;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace TheReview.Backend.Api.Observability;

/// <summary>Serilog: readable console lines in Development, compact JSON (one event per line) everywhere else.</summary>
internal static class LoggingExtensions
{
    private const string DevelopmentTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {CorrelationId}{NewLine}{Exception}";

    // ASP.NET Core starts a request's Activity (its W3C trace context, from the caller's traceparent or new) only
    // when something listens. The logs' trace id, X-Correlation-ID and ProblemDetails' traceId need it in every
    // service, whatever its datastores' libraries listen to: this listener asks for the context, not for spans.
    private static readonly ActivityListener RequestActivities = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    private static int listening;

    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
        // Once per process, however many hosts it builds (the tests build several).
        if (Interlocked.Exchange(ref listening, 1) == 0)
        {
            ActivitySource.AddActivityListener(RequestActivities);
        }

        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSerilog((services, logger) =>
        {
            // Sinks are looked for in the console sink's assembly and in those Serilog:Using names, not in every
            // dependency: scanning them all costs start-up time for sinks this service does not have.
            logger
                .ReadFrom.Configuration(builder.Configuration, new ConfigurationReaderOptions(typeof(ConsoleLoggerConfigurationExtensions).Assembly))
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", builder.Environment.ApplicationName)
                .Enrich.WithProperty("Instance", Environment.MachineName);

            if (development)
            {
                logger.WriteTo.Console(outputTemplate: DevelopmentTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
        });
        return builder;
    }
}
