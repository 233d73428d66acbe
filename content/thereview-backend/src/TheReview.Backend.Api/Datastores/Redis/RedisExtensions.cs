using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace TheReview.Backend.Api.Datastores.Redis;

/// <summary>
/// Redis: one multiplexer for the process, which keeps reconnecting in the background, and a readiness check.
/// The read cache (<see cref="CacheAside"/>) and the shared key ring (Protection/) use it.
/// </summary>
internal static class RedisExtensions
{
    public const string Name = "Redis";

    public static WebApplicationBuilder AddRedis(this WebApplicationBuilder builder)
    {
        builder.Services.AddDatastoreOptions<RedisOptions>(Name, options => options.BuildConfiguration());
        builder.Services.AddSingleton<IConnectionMultiplexer>(services =>
            ConnectionMultiplexer.Connect(services.GetRequiredService<IOptions<RedisOptions>>().Value.BuildConfiguration()));
        builder.Services.AddSingleton<RedisJsonCache>();
        builder.Services.AddCacheLifetimes();
        // The cache answers a failure as a miss; anything else that needs Redis (the key ring) answers 503.
        builder.Services.AddDatastoreOutage("Redis", exception => exception is RedisConnectionException or RedisTimeoutException);

        // A span per command, when tracing is on (Observability/TracingExtensions).
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddRedisInstrumentation());

        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(
            "redis",
            tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>Settings of the Redis connection.</summary>
public sealed class RedisOptions : DatastoreOptions
{
    /// <summary>Prefix of every key this service writes, so services can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "thereview-backend:";

    public ConfigurationOptions BuildConfiguration()
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        if (!string.IsNullOrEmpty(Password))
        {
            options.Password = Password;
        }

        // The API's ACL user (make secrets) may not run server commands, subscribe or touch keys outside its prefix:
        // no CONFIG or INFO at connect (the server's version is assumed instead), no tie-breaker key or
        // configuration channel, which only matter with several primaries.
        options.CommandMap = CommandMap.Create(["CONFIG", "INFO"], available: false);
        options.DefaultVersion = new Version(7, 0);
        options.TieBreaker = string.Empty;
        options.ConfigurationChannel = string.Empty;

        // Start and keep running while Redis is away; fail commands fast instead of queueing them.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.SyncTimeout = 2000;
        return options;
    }
}

/// <summary>Readiness of Redis: one PING, one round trip (the packaged check sends two).</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:F0} ms.");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer PING.", exception);
        }
    }
}
