namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The <c>docker run</c> arguments the specs run the production image with: hardened as the stacks run it (read-only
/// root with a tmpfs /tmp, no capabilities, no new privileges), on the host's network, against a database of its own
/// on the test PostgreSQL, the test Redis and the tests' identity provider. Disposing drops the database.
/// </summary>
public sealed class ProductionContainerSettings : IAsyncDisposable
{
    private readonly string database;

    private ProductionContainerSettings(string database, string[] arguments)
    {
        this.database = database;
        Arguments = arguments;
    }

    public string[] Arguments { get; }

    public static async Task<ProductionContainerSettings> CreateAsync()
    {
        var database = $"orders_{Guid.NewGuid():N}";
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = database };
        var identity = await IdentityProvider.Shared;
        return new ProductionContainerSettings(database,
        [
            "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true", "--network", "host",
            "--env", $"ConnectionStrings__Postgres={postgres.ConnectionString}",
            "--env", $"ConnectionStrings__Redis={TestServices.Redis}",
            .. identity.Settings.SelectMany(setting => new[] { "--env", $"{setting.Key}={setting.Value}" }),
            // An operator's CA bundle: a path the TLS stack reads, which must reach the app unchanged.
            "--env", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
        ]);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
