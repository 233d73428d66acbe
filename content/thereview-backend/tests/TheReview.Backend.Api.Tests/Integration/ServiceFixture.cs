using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// The API in process (WebApplicationFactory) against real datastores. Each test class gets its own
/// databases and key prefix, so test classes can share one server of each kind.
/// Set THEREVIEW_TEST_REQUIRE_DATASTORES=true (CI) to turn a missing datastore into a failure instead of a skip.
/// </summary>
public sealed class ServiceFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    private const string RequireVariable = "THEREVIEW_TEST_REQUIRE_DATASTORES";
    private readonly string isolation = $"test_{Guid.NewGuid():N}";
    private readonly Dictionary<string, string?> settings = new()
    {
        // Request logs of every test drown the failures that matter.
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    //#if (postgres)
    public TestDatastore Postgres { get; } = new("PostgreSQL", "postgres", "THEREVIEW_TEST_POSTGRES", () =>
    {
        var container = new PostgreSqlBuilder("postgres:15").Build();
        return (container, container.GetConnectionString);
    });
    //#endif
    //#if (mongo)
    public TestDatastore Mongo { get; } = new("MongoDB", "mongo", "THEREVIEW_TEST_MONGODB", () =>
    {
        var container = new MongoDbBuilder("mongo:7.0").Build();
        return (container, container.GetConnectionString);
    });
    //#endif
    //#if (redis)
    public TestDatastore Redis { get; } = new("Redis", "redis", "THEREVIEW_TEST_REDIS", () =>
    {
        var container = new RedisBuilder("redis:7").Build();
        return (container, container.GetConnectionString);
    });
    //#endif

    public IEnumerable<TestDatastore> Datastores =>
    [
//#if (postgres)
        Postgres,
//#endif
//#if (mongo)
        Mongo,
//#endif
//#if (redis)
        Redis,
//#endif
    ];

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Datastores.Select(store => store.StartAsync()));
        //#if (postgres)
        settings["ConnectionStrings:Postgres"] = Postgres.ConnectionString is { } postgres
            ? new NpgsqlConnectionStringBuilder(postgres) { Database = isolation }.ConnectionString
            : "Host=127.0.0.1;Port=1;Database=unavailable;Timeout=1";
        //#endif
        //#if (mongo)
        settings["ConnectionStrings:Mongo"] = Mongo.ConnectionString is { } mongo
            ? new MongoUrlBuilder(mongo) { DatabaseName = isolation }.ToString()
            : "mongodb://127.0.0.1:1/unavailable?serverSelectionTimeoutMS=300&connectTimeoutMS=300";
        //#endif
        //#if (redis)
        settings["ConnectionStrings:Redis"] = Redis.ConnectionString ?? "127.0.0.1:1";
        settings["Redis:KeyPrefix"] = $"{isolation}:";
        //#endif
        //#if (postgres)
        if (Postgres.ConnectionString is not null)
        {
            await Api.Datastores.PostgresExtensions.MigrateDatabaseAsync(Services);
        }
        //#endif
    }

    /// <summary>Skips the calling test, with the reason, unless every named datastore is reachable.</summary>
    public void Require(params TestDatastore[] stores)
    {
        var missing = stores.Where(store => store.UnavailableReason is not null).Select(store => store.UnavailableReason!).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var reason = string.Join("; ", missing);
        if (string.Equals(Environment.GetEnvironmentVariable(RequireVariable), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{RequireVariable} is set, but {reason}");
        }

        Assert.Skip(reason);
    }

    /// <summary>Skips the calling test unless every datastore of the service is reachable.</summary>
    public void RequireAll() => Require([.. Datastores]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Hosting:DrainDelay", "00:00:00");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        //#if (postgres)
        if (Postgres.ConnectionString is not null)
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Data.AppDbContext>().Database.EnsureDeletedAsync();
        }
        //#endif
        await base.DisposeAsync();
        foreach (var store in Datastores)
        {
            await store.DisposeAsync();
        }
    }
}
