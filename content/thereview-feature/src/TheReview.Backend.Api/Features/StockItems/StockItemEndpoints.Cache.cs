using Microsoft.AspNetCore.Http.HttpResults;

namespace TheReview.Backend.Api.Features.StockItems;

/// <summary>
/// Cache-aside in Redis around the endpoints: a read is answered from <c>{prefix}stock-items:{id}</c> when it can
/// be (<c>X-Cache: HIT</c>), else from PostgreSQL and then cached; every update and delete removes the entry.
/// </summary>
internal static partial class StockItemEndpoints
{
    private static readonly TimeSpan CacheTimeToLive = TimeSpan.FromMinutes(5);

    private static void AddStockItemCache(this RouteGroupBuilder items) =>
        items.AddEndpointFilterFactory((endpoint, next) => endpoint.MethodInfo.Name switch
        {
            nameof(GetAsync) => invocation => ReadThroughCacheAsync(invocation, next),
            nameof(UpdateAsync) or nameof(DeleteAsync) => invocation => InvalidateCacheAsync(invocation, next),
            _ => next,
        });

    private static async ValueTask<object?> ReadThroughCacheAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var (context, id) = (invocation.HttpContext, invocation.GetArgument<Guid>(0));
        var cache = context.RequestServices.GetRequiredService<RedisJsonCache>();
        if (await cache.GetAsync<StockItemResponse>(CacheKey(id)) is { } cached)
        {
            context.Response.Headers["X-Cache"] = "HIT";
            return TypedResults.Ok(cached);
        }

        context.Response.Headers["X-Cache"] = "MISS";
        var result = await next(invocation);
        if (result is INestedHttpResult { Result: Ok<StockItemResponse> { Value: { } item } })
        {
            await cache.SetAsync(CacheKey(item.Id), item, CacheTimeToLive);
        }

        return result;
    }

    private static async ValueTask<object?> InvalidateCacheAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        await invocation.HttpContext.RequestServices.GetRequiredService<RedisJsonCache>().InvalidateAsync(CacheKey(invocation.GetArgument<Guid>(0)));
        return result;
    }

    private static string CacheKey(Guid id) => $"stock-items:{id:N}";
}
