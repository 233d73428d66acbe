using DotNet.Testcontainers.Containers;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>PostgreSQL: a database of the test class's own, migrated as <c>migrate</c> would, dropped at the end.</summary>
public sealed class PostgresTestDatastore() : TestDatastore("PostgreSQL", "postgres", "THEREVIEW_TEST_POSTGRES")
{
    public override IEnumerable<KeyValuePair<string, string?>> Settings(string isolation) =>
    [
        new("ConnectionStrings:Postgres", ConnectionString is { } server
            ? new NpgsqlConnectionStringBuilder(server) { Database = isolation }.ConnectionString
            : "Host=127.0.0.1;Port=1;Database=unavailable;Timeout=1"),
    ];

    public override Task PrepareAsync(IServiceProvider services) =>
        ConnectionString is null ? Task.CompletedTask : PostgresExtensions.MigrateDatabaseAsync(services);

    public override async Task CleanUpAsync(IServiceProvider services, string isolation)
    {
        if (ConnectionString is not null)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.EnsureDeletedAsync();
        }
    }

    protected override (IContainer Container, Func<string> ConnectionString) CreateContainer()
    {
        var container = new PostgreSqlBuilder("postgres:17").Build();
        return (container, container.GetConnectionString);
    }
}

public sealed partial class ServiceFixture
{
    public PostgresTestDatastore Postgres { get; } = new();
}
