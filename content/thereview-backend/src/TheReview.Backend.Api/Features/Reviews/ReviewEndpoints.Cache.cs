using Microsoft.AspNetCore.Http.HttpResults;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>
/// Cache-aside for single reviews, as filters around the endpoints: a read is answered from Redis when it
/// can be (<c>X-Cache: HIT</c>), else from PostgreSQL and then cached (<c>MISS</c>); every update and
/// delete removes the entry. The endpoints themselves know nothing of the cache.
/// </summary>
internal static partial class ReviewEndpoints
{
    public const string CacheHeader = "X-Cache";

    private static void AddReviewCache(this RouteGroupBuilder reviews) =>
        reviews.AddEndpointFilterFactory((endpoint, next) => endpoint.MethodInfo.Name switch
        {
            nameof(GetAsync) => invocation => ReadThroughCacheAsync(invocation, next),
            nameof(UpdateAsync) or nameof(DeleteAsync) => invocation => InvalidateCacheAsync(invocation, next),
            _ => next,
        });

    private static async ValueTask<object?> ReadThroughCacheAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var (context, id) = (invocation.HttpContext, invocation.GetArgument<Guid>(0));
        var cache = context.RequestServices.GetRequiredService<IReviewCache>();
        if (await cache.GetAsync(id, context.RequestAborted) is { } cached)
        {
            context.Response.Headers[CacheHeader] = "HIT";
            return TypedResults.Ok(cached);
        }

        context.Response.Headers[CacheHeader] = "MISS";
        var result = await next(invocation);
        if (result is INestedHttpResult { Result: Ok<ReviewResponse> { Value: { } review } })
        {
            await cache.SetAsync(review, context.RequestAborted);
        }

        return result;
    }

    private static async ValueTask<object?> InvalidateCacheAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        await invocation.HttpContext.RequestServices.GetRequiredService<IReviewCache>()
            .InvalidateAsync(invocation.GetArgument<Guid>(0), invocation.HttpContext.RequestAborted);
        return result;
    }
}
