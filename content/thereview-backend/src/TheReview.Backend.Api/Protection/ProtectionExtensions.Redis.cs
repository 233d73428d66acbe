using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TheReview.Backend.Api.Protection;

/// <summary>The data protection key ring in Redis, shared by every replica: what one protects, any other reads.</summary>
internal static partial class ProtectionExtensions
{
    public const string KeyRingKey = "DataProtection-Keys";

    static partial void AddSharedKeyRing(WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName(builder.Environment.ApplicationName);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, services) =>
            options.XmlRepository = new RedisXmlRepository(
                () => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase(),
                services.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix + KeyRingKey));
        // The key ring loads at its first use instead of at start-up: the API protects nothing by itself, and a
        // replica answers its probes without waiting for Redis (a quarter of a second of every start). Authentication
        // adds the eager load again, so Program.cs adds the protections after it.
        var dataProtection = typeof(KeyManagementOptions).Assembly;
        foreach (var eagerLoad in builder.Services.Where(service =>
            service.ServiceType == typeof(IHostedService) && service.ImplementationType?.Assembly == dataProtection).ToList())
        {
            builder.Services.Remove(eagerLoad);
        }
    }
}
