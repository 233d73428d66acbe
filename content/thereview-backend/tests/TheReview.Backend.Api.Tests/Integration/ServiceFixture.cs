using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// The API in process (WebApplicationFactory) against real datastores. Each test class gets its own
/// databases and key prefix, so test classes can share one server of each kind.
/// THEREVIEW_TEST_REQUIRE_DATASTORES turns a missing datastore into a failure instead of a skip (CI):
/// <c>all</c> (or <c>true</c>) for every datastore, or a comma-separated list such as <c>postgres,redis</c>.
/// </summary>
public sealed class ServiceFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    private const string RequireVariable = "THEREVIEW_TEST_REQUIRE_DATASTORES";
    private readonly string isolation = $"test_{Guid.NewGuid():N}";
    private readonly Dictionary<string, string?> settings = new()
    {
        // Request logs of every test drown the failures that matter.
        ["Serilog:MinimumLevel:Default"] = "Warning",
        // The tests read the document, which only Development serves by default.
        ["OpenApi:Enabled"] = "true",
    };

    //#if (postgres)
    public TestDatastore Postgres { get; } = new("PostgreSQL", "postgres", "THEREVIEW_TEST_POSTGRES", () =>
    {
        var container = new PostgreSqlBuilder("postgres:17").Build();
        return (container, container.GetConnectionString);
    });
    //#endif
    //#if (mongo)
    public TestDatastore Mongo { get; } = new("MongoDB", "mongo", "THEREVIEW_TEST_MONGODB", () =>
    {
        var container = new MongoDbBuilder("mongo:8.0").Build();
        return (container, container.GetConnectionString);
    });
    //#endif
    //#if (redis)
    public TestDatastore Redis { get; } = new("Redis", "redis", "THEREVIEW_TEST_REDIS", () =>
    {
        var container = new RedisBuilder("redis:8.2").Build();
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

    //#if (jwt)
    /// <summary>The identity provider whose tokens the API accepts (Auth:Authority).</summary>
    public TestIdentityProvider Identity { get; private set; } = null!;

    //#endif
    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Datastores.Select(store => store.StartAsync()));
        //#if (jwt)
        Identity = await TestIdentityProvider.StartAsync();
        settings["Auth:Authority"] = Identity.Authority;
        settings["Auth:RequireHttpsMetadata"] = "false";
        //#endif
        //#if (postgres)
        settings["ConnectionStrings:Postgres"] = Postgres.ConnectionString is { } postgres
            ? new NpgsqlConnectionStringBuilder(postgres) { Database = isolation }.ConnectionString
            : "Host=127.0.0.1;Port=1;Database=unavailable;Timeout=1";
        //#endif
        //#if (mongo)
        settings["ConnectionStrings:Mongo"] = Mongo.ConnectionString is { } mongo
            ? IsolatedMongoUrl(mongo, isolation)
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

    /// <summary>
    /// A client of the management port (metrics, the health report), without a token. The in-memory server has
    /// no ports, so each request is given the management port as its local port, as Kestrel would.
    /// </summary>
    public HttpClient CreateManagementClient() =>
        new(Server.CreateHandler(context => context.Connection.LocalPort = ManagementPort.DefaultPort)) { BaseAddress = Server.BaseAddress };

    /// <summary>Skips the calling test, with the reason, unless every named datastore is reachable.</summary>
    public void Require(params TestDatastore[] stores)
    {
        var required = stores.Where(IsRequired).Where(store => store.UnavailableReason is not null).Select(store => store.UnavailableReason!).ToList();
        var missing = stores.Where(store => store.UnavailableReason is not null).Select(store => store.UnavailableReason!).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        if (required.Count > 0)
        {
            Assert.Fail($"{RequireVariable}={Environment.GetEnvironmentVariable(RequireVariable)} requires it, but {string.Join("; ", required)}");
        }

        Assert.Skip(string.Join("; ", missing));
    }

    /// <summary>Whether THEREVIEW_TEST_REQUIRE_DATASTORES names the datastore (by its health check name), or says all.</summary>
    public bool IsRequired(TestDatastore store)
    {
        var value = Environment.GetEnvironmentVariable(RequireVariable)?.Trim() ?? "";
        if (value.Length == 0 || value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (value.Equals("all", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(name => !Datastores.Any(s => s.HealthCheck.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(unknown.Count == 0,
            $"{RequireVariable} names {string.Join(", ", unknown)}, which this service does not have; use all, or a list of: {string.Join(", ", Datastores.Select(s => s.HealthCheck))}");
        return names.Contains(store.HealthCheck, StringComparer.OrdinalIgnoreCase);
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

    //#if (jwt)
    /// <summary>Clients call as a user with the write scope, unless a test sets its own Authorization header.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new("Bearer", Identity.Token());
    }

    /// <summary>A client that calls as another user of the identity provider, with these scopes.</summary>
    public HttpClient CreateClient(string subject, string scope)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Identity.Token(scope, subject: subject));
        return client;
    }

    //#endif
    //#if (mongo)
    /// <summary>
    /// A database of the test's own on the server, authenticating where the server's user lives: the official
    /// image creates its root user in <c>admin</c>, and a database name alone would move authentication there.
    /// </summary>
    internal static string IsolatedMongoUrl(string serverUrl, string database)
    {
        var server = new MongoUrl(serverUrl);
        var url = new MongoUrlBuilder(serverUrl) { DatabaseName = database };
        if (server.Username is not null)
        {
            url.AuthenticationSource = server.AuthenticationSource ?? server.DatabaseName ?? "admin";
        }

        return url.ToString();
    }

    //#endif
    public override async ValueTask DisposeAsync()
    {
        //#if (mongo)
        if (Mongo.ConnectionString is not null)
        {
            await Services.GetRequiredService<IMongoClient>().DropDatabaseAsync(isolation);
        }
        //#endif
        //#if (postgres)
        if (Postgres.ConnectionString is not null)
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Data.AppDbContext>().Database.EnsureDeletedAsync();
        }
        //#endif
        await base.DisposeAsync();
        //#if (jwt)
        // Null when a datastore failed to start first: that failure is the one to report.
        if (Identity is not null)
        {
            await Identity.DisposeAsync();
        }
        //#endif
        foreach (var store in Datastores)
        {
            await store.DisposeAsync();
        }
    }
}
