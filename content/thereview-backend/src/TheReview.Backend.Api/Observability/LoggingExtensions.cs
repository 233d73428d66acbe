using Serilog;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// Serilog: readable console lines in Development, compact JSON (one event per line, written in batches) everywhere else.
/// </summary>
internal static class LoggingExtensions
{
    private const string DevelopmentTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {CorrelationId}{NewLine}{Exception}";

    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
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
                logger.WriteTo.Sink(new BatchedConsoleSink(new RenderedCompactJsonFormatter()), BatchedConsoleSink.Batching);
            }
        });
        return builder;
    }
}
