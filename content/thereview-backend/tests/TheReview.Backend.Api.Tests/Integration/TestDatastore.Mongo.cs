using DotNet.Testcontainers.Containers;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>MongoDB: a database of the test class's own, dropped at the end.</summary>
public sealed class MongoTestDatastore() : TestDatastore("MongoDB", "mongo", "THEREVIEW_TEST_MONGODB")
{
    public override IEnumerable<KeyValuePair<string, string?>> Settings(string isolation) =>
    [
        new("ConnectionStrings:Mongo", ConnectionString is { } server
            ? IsolatedUrl(server, isolation)
            : "mongodb://127.0.0.1:1/unavailable?serverSelectionTimeoutMS=300&connectTimeoutMS=300"),
    ];

    public override async Task CleanUpAsync(IServiceProvider services, string isolation)
    {
        if (ConnectionString is not null)
        {
            await services.GetRequiredService<IMongoClient>().DropDatabaseAsync(isolation);
        }
    }

    /// <summary>
    /// A database of the test's own on the server, authenticating where the server's user lives: the official
    /// image creates its root user in <c>admin</c>, and a database name alone would move authentication there.
    /// </summary>
    internal static string IsolatedUrl(string serverUrl, string database)
    {
        var server = new MongoUrl(serverUrl);
        var url = new MongoUrlBuilder(serverUrl) { DatabaseName = database };
        if (server.Username is not null)
        {
            url.AuthenticationSource = server.AuthenticationSource ?? server.DatabaseName ?? "admin";
        }

        return url.ToString();
    }

    protected override (IContainer Container, Func<string> ConnectionString) CreateContainer()
    {
        var container = new MongoDbBuilder("mongo:8.0").Build();
        return (container, container.GetConnectionString);
    }
}

public sealed partial class ServiceFixture
{
    public MongoTestDatastore Mongo { get; } = new();
}
