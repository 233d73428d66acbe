using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serilog;
using Serilog.Events;

namespace TheReview.Backend.Api.Hosting;

/// <summary>HTTP conventions shared by every endpoint: ProblemDetails, strict JSON, validation, OpenAPI.</summary>
internal static partial class ApiDefaultsExtensions
{
    /// <summary>The ProblemDetails member with the request's id, for a caller to quote when reporting a problem.</summary>
    public const string TraceIdMember = "traceId";

    public static WebApplicationBuilder AddApiDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        // The same id as the X-Correlation-ID header and the logs, not ASP.NET Core's connection-based one.
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = problem =>
            problem.ProblemDetails.Extensions[TraceIdMember] = CorrelationIdMiddleware.IdOf(problem.HttpContext));
        builder.Services.AddValidation();
        builder.AddApiDocument();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            // A field the API does not know is a client mistake, not something to ignore silently.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.RespectNullableAnnotations = true;
            options.SerializerOptions.RespectRequiredConstructorParameters = true;
        });
        builder.Services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = builder.Configuration.GetValue("Hosting:ShutdownTimeout", TimeSpan.FromSeconds(25)));
        builder.Services.AddHostedService<ShutdownDrain>();

        // Kestrel reads only its endpoints from configuration; the limits (request body size, ...) are bound here.
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
        return builder;
    }

    public static WebApplication UseApiDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseSerilogRequestLogging(options => options.GetLevel = RequestLogLevel);
        return app;
    }

    // Probes and scrapes never reach this middleware: their endpoints short-circuit (HealthExtensions).
    private static LogEventLevel RequestLogLevel(HttpContext context, double elapsed, Exception? exception) =>
        exception is not null || context.Response.StatusCode >= StatusCodes.Status500InternalServerError
            ? LogEventLevel.Error
            : LogEventLevel.Information;

    /// <summary>
    /// The OpenAPI document where <c>OpenApi:Enabled</c> says so (by default in Development only: in production it
    /// would hand anyone a map of the API); the interactive reference page in Development, from a Debug build. Both anonymous.
    /// </summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        if (!app.Configuration.GetValue("OpenApi:Enabled", app.Environment.IsDevelopment()))
        {
            return app;
        }

        app.MapOpenApi().AllowAnonymous();
        if (app.Environment.IsDevelopment())
        {
            MapReferencePage(app);
        }

        return app;
    }

    // Implemented in ApiReferencePage.cs, which only Debug builds compile: in Release the call is removed.
    static partial void MapReferencePage(WebApplication app);
}
