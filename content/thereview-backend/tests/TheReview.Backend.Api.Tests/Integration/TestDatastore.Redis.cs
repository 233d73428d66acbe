using DotNet.Testcontainers.Containers;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>Redis: the test class's own key prefix on the server.</summary>
public sealed class RedisTestDatastore() : TestDatastore("Redis", "redis", "THEREVIEW_TEST_REDIS")
{
    public override IEnumerable<KeyValuePair<string, string?>> Settings(string isolation) =>
    [
        new("ConnectionStrings:Redis", ConnectionString ?? "127.0.0.1:1"),
        new("Redis:KeyPrefix", $"{isolation}:"),
    ];

    protected override (IContainer Container, Func<string> ConnectionString) CreateContainer()
    {
        var container = new RedisBuilder("redis:8.2").Build();
        return (container, container.GetConnectionString);
    }
}

public sealed partial class ServiceFixture
{
    public RedisTestDatastore Redis { get; } = new();
}
