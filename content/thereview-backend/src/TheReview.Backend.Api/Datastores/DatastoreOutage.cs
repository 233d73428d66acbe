using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TheReview.Backend.Api.Datastores;

/// <summary>
/// How one datastore's client says the store cannot be reached (each store registers its own). It is asked of
/// the exception and of each exception inside it, since data layers wrap their clients' errors (EF Core's
/// DbUpdateException and retry limit, a circuit breaker).
/// </summary>
public sealed record DatastoreOutage(string Datastore, Func<Exception, bool> Matches);

internal static class DatastoreOutageExtensions
{
    /// <summary>Answers this store's outages with 503; the handler exists only in a service with a store.</summary>
    public static IServiceCollection AddDatastoreOutage(this IServiceCollection services, string datastore, Func<Exception, bool> matches)
    {
        services.AddSingleton(new DatastoreOutage(datastore, matches));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, DatastoreOutageHandler>());
        return services;
    }
}

/// <summary>
/// A datastore that cannot be reached is the service's outage, not a bug: 503 ProblemDetails with Retry-After,
/// naming the store, instead of a 500. Other exceptions go on to the default handler.
/// </summary>
internal sealed class DatastoreOutageHandler(IEnumerable<DatastoreOutage> outages, IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var outage = outages.FirstOrDefault(o => Causes(exception).Any(o.Matches));
        if (outage is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = $"{outage.Datastore} is unavailable.",
                Detail = "The service cannot reach one of its datastores. Try again shortly.",
            },
        });
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }
}
