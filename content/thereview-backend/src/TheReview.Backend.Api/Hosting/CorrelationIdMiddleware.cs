using System.Diagnostics;
using Serilog.Context;

namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// One id per request everywhere: the W3C trace id, taken from the caller's or the proxy's <c>traceparent</c>
/// (else a new one), is the <c>X-Correlation-ID</c> answer header, the ProblemDetails <c>traceId</c> and every
/// log event's trace id. With <c>Hosting:InstanceHeader</c> (off by default: it tells anyone the container's host
/// name) it also names the instance that answered, to see a proxy's load balancing from outside.
/// </summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next, IConfiguration configuration)
{
    public const string HeaderName = "X-Correlation-ID";
    public const string InstanceHeaderName = "X-Instance";

    private readonly bool nameInstance = configuration.GetValue<bool>("Hosting:InstanceHeader");

    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = IdOf(context);
        context.Response.Headers[HeaderName] = correlationId;
        if (nameInstance)
        {
            context.Response.Headers[InstanceHeaderName] = Environment.MachineName;
        }

        using (LogContext.PushProperty("CorrelationId", correlationId))
        {
            await next(context);
        }
    }

    /// <summary>The request's trace id; ASP.NET Core starts an activity for every request, so the fallback is for hosts without one.</summary>
    public static string IdOf(HttpContext context) =>
        Activity.Current is { } activity ? activity.TraceId.ToHexString() : context.TraceIdentifier;
}
