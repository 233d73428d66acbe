using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace TheReview.Backend.Api.Features.StockItems;

/// <summary>
/// Cache-aside in Redis around the endpoints: a read is answered from <c>{prefix}stock-items:{id}</c> when it can
/// be (<c>X-Cache: HIT</c>), else from PostgreSQL and then cached; every update and delete removes the entry.
/// </summary>
internal static partial class StockItemEndpoints
{
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
        var cache = context.RequestServices.GetRequiredService<StockItemCache>();
        if (await cache.GetAsync(id) is { } cached)
        {
            context.Response.Headers["X-Cache"] = "HIT";
            return TypedResults.Ok(cached);
        }

        context.Response.Headers["X-Cache"] = "MISS";
        var result = await next(invocation);
        if (result is INestedHttpResult { Result: Ok<StockItemResponse> { Value: { } item } })
        {
            await cache.SetAsync(item);
        }

        return result;
    }

    private static async ValueTask<object?> InvalidateCacheAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        await invocation.HttpContext.RequestServices.GetRequiredService<StockItemCache>().InvalidateAsync(invocation.GetArgument<Guid>(0));
        return result;
    }
}

/// <summary>Stock items as JSON in Redis, with an expiry. A cache failure is logged, never the caller's failure.</summary>
internal sealed partial class StockItemCache(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, ILogger<StockItemCache> logger)
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    private IDatabase Database => redis.GetDatabase().WithKeyPrefix(redisOptions.Value.KeyPrefix);

    public async Task<StockItemResponse?> GetAsync(Guid id)
    {
        try
        {
            var cached = await Database.StringGetAsync(Key(id));
            return cached.IsNullOrEmpty ? null : JsonSerializer.Deserialize<StockItemResponse>(cached.ToString());
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or JsonException)
        {
            LogCacheFailure(logger, "read", exception);
            return null;
        }
    }

    public async Task SetAsync(StockItemResponse item)
    {
        try
        {
            await Database.StringSetAsync(Key(item.Id), JsonSerializer.Serialize(item), TimeToLive);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogCacheFailure(logger, "write", exception);
        }
    }

    public async Task InvalidateAsync(Guid id)
    {
        try
        {
            await Database.KeyDeleteAsync(Key(id));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The expiry bounds how long a stale entry can live.
            LogCacheFailure(logger, "invalidate", exception);
        }
    }

    private static RedisKey Key(Guid id) => $"stock-items:{id:N}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock item cache {Operation} failed; serving from the database")]
    private static partial void LogCacheFailure(ILogger logger, string operation, Exception exception);
}
