using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Tests.Unit;

/// <summary>The cache-aside filter refuses what would cache under a wrong key or never expire, before any request.</summary>
public sealed class CacheAsideTests
{
    [Fact]
    public void A_read_handler_without_the_id_first_stops_the_endpoints_from_being_built()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapGroup("/things").AddCacheAside<string>("things", read: nameof(ReadByName)).MapGet("/{name}", ReadByName);

        var error = Assert.Throws<InvalidOperationException>(() => ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).ToList());

        Assert.Equal("Cache things: ReadByName must take the record's id (a Guid) as its first parameter.", error.Message);
    }

    [Fact]
    public void A_read_handler_with_the_id_first_is_accepted()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapGroup("/things").AddCacheAside<string>("things", read: nameof(ReadById)).MapGet("/{id}", ReadById);

        Assert.Single(((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints));
    }

    [Theory]
    [InlineData("Cache:TimeToLive", "00:00:00", "Invalid setting Cache:TimeToLive")]
    [InlineData("Cache:Lifetimes:reviews", "-00:01:00", "Invalid setting Cache:Lifetimes")]
    public void A_lifetime_that_is_not_above_zero_is_refused_naming_the_setting(string setting, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [setting] = value }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cache_lives_its_own_lifetime_or_the_default()
    {
        var options = Resolve(new() { ["Cache:TimeToLive"] = "00:02:00", ["Cache:Lifetimes:reviews"] = "00:00:30" });

        Assert.Equal(TimeSpan.FromSeconds(30), options.LifetimeOf("reviews"));
        Assert.Equal(TimeSpan.FromMinutes(2), options.LifetimeOf("stock-items"));
    }

    private static CacheOptions Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddCacheLifetimes();
        return services.BuildServiceProvider().GetRequiredService<IOptions<CacheOptions>>().Value;
    }

    private static string ReadByName(string name) => name;

    private static string ReadById(Guid id) => id.ToString();
}
