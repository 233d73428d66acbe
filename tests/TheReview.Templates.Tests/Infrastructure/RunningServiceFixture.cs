using System.Net.Http.Headers;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The two builds the Process tier runs, and the PostgreSQL and Redis servers it owns: created once for
/// all its classes (collection <see cref="RunningServices"/>).
/// </summary>
public sealed class RunningServiceFixture(TemplateHive hive) : IAsyncLifetime
{
    public GeneratedRepository Default { get; private set; } = null!;

    public GeneratedRepository WithoutMongo { get; private set; } = null!;

    public PrivatePostgres Postgres { get; private set; } = null!;

    public PrivateRedis Redis { get; private set; } = null!;

    /// <summary>The identity provider the APIs trust (Auth:Authority).</summary>
    public IdentityProvider Identity { get; private set; } = null!;

    /// <summary>A caller with the write scope, for the builds' project name.</summary>
    public AuthenticationHeaderValue Authorization => Identity.Authorization(Default.Scenario.Name);

    public async ValueTask InitializeAsync()
    {
        Default = await hive.InstantiateAsync(Scenario.Default);
        WithoutMongo = await hive.InstantiateAsync(Scenario.WithoutMongo);
        (await Default.BuildAsync()).EnsureSuccess();
        (await WithoutMongo.BuildAsync()).EnsureSuccess();
        Postgres = await PrivatePostgres.StartAsync();
        Redis = await PrivateRedis.StartAsync();
        Identity = await IdentityProvider.Shared;
    }

    public async Task<string> NewDatabaseAsync()
    {
        var database = $"orders_{Guid.NewGuid():N}";
        await Postgres.CreateDatabaseAsync(database);
        return database;
    }

    public Dictionary<string, string?> Environment(string database, string? mongo = null) => new(Identity.Settings)
    {
        ["ConnectionStrings__Postgres"] = Postgres.ConnectionString(database),
        ["ConnectionStrings__Redis"] = Redis.ConnectionString,
        ["ConnectionStrings__Mongo"] = mongo,
    };

    /// <summary>Migrates a fresh database and starts the API of the given build on it.</summary>
    public async Task<ApiProcess> StartAsync(GeneratedRepository build, string? mongo = null) =>
        (await StartOnNewDatabaseAsync(build, mongo)).Api;

    /// <summary>Migrates a fresh database and starts the API on it, with these settings besides the connection strings.</summary>
    public async Task<(ApiProcess Api, string Database)> StartOnNewDatabaseAsync(
        GeneratedRepository build, string? mongo = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await NewDatabaseAsync();
        var environment = Environment(database, mongo);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        (await ApiProcess.RunCommandAsync(build.ApiAssembly, environment, "migrate")).EnsureSuccess();
        return (await ApiProcess.StartAsync(build.ApiAssembly, environment, Authorization), database);
    }

    public async ValueTask DisposeAsync()
    {
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
