using Serilog.Context;

namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// Carries one id through the logs of a request: the caller's <c>X-Correlation-ID</c> when it is sane, else the trace id.
/// Also names the instance that answered, so a proxy's load balancing can be seen from outside.
/// </summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-ID";
    public const string InstanceHeaderName = "X-Instance";
    private const int MaxLength = 128;

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var correlationId = IsSane(incoming) ? incoming : context.TraceIdentifier;
        context.Response.Headers[HeaderName] = correlationId;
        context.Response.Headers[InstanceHeaderName] = Environment.MachineName;

        using (LogContext.PushProperty("CorrelationId", correlationId))
        {
            await next(context);
        }
    }

    private static bool IsSane(string value) =>
        value.Length is > 0 and <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
