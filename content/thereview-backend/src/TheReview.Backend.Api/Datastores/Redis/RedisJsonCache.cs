using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace TheReview.Backend.Api.Datastores.Redis;

/// <summary>
/// Cache-aside values as JSON in Redis, under the service's key prefix and with an expiry; what each feature's
/// cache is made of. A failure is logged and answered as a miss: a cache failure is never the caller's failure.
/// </summary>
public sealed partial class RedisJsonCache(IConnectionMultiplexer redis, IOptions<RedisOptions> options, ILogger<RedisJsonCache> logger)
{
    private IDatabase Database => redis.GetDatabase().WithKeyPrefix(options.Value.KeyPrefix);

    public async Task<T?> GetAsync<T>(string key)
        where T : class
    {
        try
        {
            var cached = await Database.StringGetAsync(key);
            return cached.IsNullOrEmpty ? null : JsonSerializer.Deserialize<T>(cached.ToString());
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or JsonException)
        {
            LogCacheFailure(logger, "read", key, exception);
            return null;
        }
    }

    public async Task SetAsync<T>(string key, T value, TimeSpan timeToLive)
    {
        try
        {
            await Database.StringSetAsync(key, JsonSerializer.Serialize(value), timeToLive);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogCacheFailure(logger, "write", key, exception);
        }
    }

    public async Task InvalidateAsync(string key)
    {
        try
        {
            await Database.KeyDeleteAsync(key);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The expiry bounds how long a stale entry can live.
            LogCacheFailure(logger, "invalidate", key, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache {Operation} of {Key} failed; serving from the database")]
    private static partial void LogCacheFailure(ILogger logger, string operation, string key, Exception exception);
}
