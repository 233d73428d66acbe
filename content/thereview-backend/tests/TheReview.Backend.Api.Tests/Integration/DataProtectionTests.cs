using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TheReview.Backend.Api.Tests.Integration;

public sealed class DataProtectionTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string Purpose = "DataProtectionTests";

    [Fact]
    public async Task Replicas_share_one_key_ring_in_redis_under_the_service_prefix()
    {
        service.Require(service.Redis);
        var protectedText = service.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("shared");

        // A second replica: its own service container, the same Redis and prefix.
        await using var replica = service.WithWebHostBuilder(_ => { });
        var unprotected = replica.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(protectedText);

        Assert.Equal("shared", unprotected);
        var prefix = service.Services.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix;
        var ring = service.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        Assert.True(await ring.ListLengthAsync(prefix + ProtectionExtensions.KeyRingKey) > 0, $"the key ring should be in Redis under {prefix}");
    }

    [Fact]
    public void Start_up_does_not_wait_for_the_key_ring()
    {
        var dataProtection = typeof(IDataProtectionProvider).Assembly;
        var keyManagement = typeof(Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions).Assembly;

        var eager = service.Services.GetServices<IHostedService>()
            .Where(hosted => hosted.GetType().Assembly == dataProtection || hosted.GetType().Assembly == keyManagement);

        Assert.Empty(eager);
    }
}
