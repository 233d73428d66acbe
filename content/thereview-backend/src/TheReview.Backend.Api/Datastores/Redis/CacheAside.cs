using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Datastores.Redis;

/// <summary>
/// Cache-aside around a feature's endpoints, as one filter that every feature uses. The read endpoint is answered
/// from Redis when it can be (<c>X-Cache: HIT</c>), else by the endpoint, whose 200 is then cached (<c>MISS</c>);
/// the endpoints that change a record remove its entry once they ran. Entries live under
/// <c>{prefix}{name}:{id}</c>, where the id is each of these endpoints' first parameter. The endpoints themselves
/// know nothing of the cache.
/// </summary>
internal static class CacheAside
{
    public const string Header = "X-Cache";

    /// <param name="group">The feature's endpoints.</param>
    /// <param name="name">The cache's name: the first part of its keys, and its entry under <c>Cache:Lifetimes</c>.</param>
    /// <param name="read">The handler method that reads one record.</param>
    /// <param name="invalidatedBy">The handler methods that change or delete one.</param>
    public static RouteGroupBuilder AddCacheAside<TResponse>(this RouteGroupBuilder group, string name, string read, params string[] invalidatedBy)
        where TResponse : class =>
        group.AddEndpointFilterFactory((endpoint, next) =>
        {
            var method = endpoint.MethodInfo;
            if (method.Name != read && !invalidatedBy.Contains(method.Name, StringComparer.Ordinal))
            {
                return next;
            }

            RequireIdFirst(name, method);
            return method.Name == read
                ? invocation => ReadThroughAsync<TResponse>(name, invocation, next)
                : invocation => InvalidateAfterAsync(name, invocation, next);
        });

    public static IServiceCollection AddCacheLifetimes(this IServiceCollection services)
    {
        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section)
            .Validate(cache => cache.TimeToLive > TimeSpan.Zero, $"Invalid setting {CacheOptions.Section}:TimeToLive: give a duration above zero, such as 00:05:00.")
            .Validate(cache => cache.Lifetimes.Values.All(lifetime => lifetime > TimeSpan.Zero),
                $"Invalid setting {CacheOptions.Section}:Lifetimes: give each cache a duration above zero, such as 00:05:00.")
            .ValidateOnStart();
        return services;
    }

    private static async ValueTask<object?> ReadThroughAsync<TResponse>(string name, EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
        where TResponse : class
    {
        var (context, key) = (invocation.HttpContext, Key(name, invocation));
        var cache = context.RequestServices.GetRequiredService<RedisJsonCache>();
        if (await cache.GetAsync<TResponse>(key) is { } cached)
        {
            context.Response.Headers[Header] = "HIT";
            return TypedResults.Ok(cached);
        }

        context.Response.Headers[Header] = "MISS";
        var result = await next(invocation);
        if (result is INestedHttpResult { Result: Ok<TResponse> { Value: { } value } })
        {
            var lifetime = context.RequestServices.GetRequiredService<IOptionsMonitor<CacheOptions>>().CurrentValue.LifetimeOf(name);
            await cache.SetAsync(key, value, lifetime);
        }

        return result;
    }

    private static async ValueTask<object?> InvalidateAfterAsync(string name, EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        await invocation.HttpContext.RequestServices.GetRequiredService<RedisJsonCache>().InvalidateAsync(Key(name, invocation));
        return result;
    }

    private static string Key(string name, EndpointFilterInvocationContext invocation) => $"{name}:{invocation.GetArgument<Guid>(0):N}";

    // Checked when the endpoints are built, so a handler written another way stops start-up instead of caching under a wrong key.
    private static void RequireIdFirst(string name, MethodInfo method)
    {
        if (method.GetParameters() is not [{ ParameterType: var first }, ..] || first != typeof(Guid))
        {
            throw new InvalidOperationException($"Cache {name}: {method.Name} must take the record's id (a Guid) as its first parameter.");
        }
    }
}

/// <summary>How long cached records live if no write removes them first (under <c>Cache</c>).</summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>The lifetime of every cache without its own.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetimes per cache name, such as <c>Cache:Lifetimes:reviews</c>.</summary>
    public Dictionary<string, TimeSpan> Lifetimes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan LifetimeOf(string name) => Lifetimes.TryGetValue(name, out var lifetime) ? lifetime : TimeToLive;
}
