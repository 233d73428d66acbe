using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>Cache-aside in Redis: JSON under <c>{prefix}reviews:{id}</c>, with an expiry, deleted on every write.</summary>
internal sealed partial class RedisReviewCache(
    IConnectionMultiplexer redis,
    IOptions<RedisOptions> redisOptions,
    IOptions<ReviewCacheOptions> cacheOptions,
    ILogger<RedisReviewCache> logger) : IReviewCache
{
    private IDatabase Database => redis.GetDatabase().WithKeyPrefix(redisOptions.Value.KeyPrefix);

    public async Task<ReviewResponse?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            var cached = await Database.StringGetAsync(Key(id));
            return cached.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ReviewResponse>(cached.ToString());
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or JsonException)
        {
            LogCacheFailure(logger, "read", exception);
            return null;
        }
    }

    public async Task SetAsync(ReviewResponse review, CancellationToken cancellationToken)
    {
        try
        {
            await Database.StringSetAsync(Key(review.Id), JsonSerializer.Serialize(review), cacheOptions.Value.TimeToLive);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogCacheFailure(logger, "write", exception);
        }
    }

    public async Task InvalidateAsync(Guid id, CancellationToken cancellationToken)
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

    private static RedisKey Key(Guid id) => $"reviews:{id:N}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Review cache {Operation} failed; serving from the database")]
    private static partial void LogCacheFailure(ILogger logger, string operation, Exception exception);
}
