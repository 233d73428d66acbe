namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// How the specs run the production image: hardened as the stacks run it (read-only root with a tmpfs /tmp, no
/// capabilities, no new privileges), on the host's network, against a database of its own on the test PostgreSQL,
/// the test Redis and the tests' identity provider. Disposing drops the database.
/// </summary>
public sealed class ProductionContainerSettings : IAsyncDisposable
{
    private readonly string database;

    private ProductionContainerSettings(string database, IReadOnlyDictionary<string, string> environment)
    {
        this.database = database;
        Environment = environment;
    }

    /// <summary>The app's settings: the datastores' connection strings and the identity provider.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The <c>docker run</c> arguments: the hardening, the host's network and <see cref="Environment"/>.</summary>
    public string[] Arguments =>
    [
        "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true", "--network", "host",
        .. Environment.SelectMany(setting => new[] { "--env", $"{setting.Key}={setting.Value}" }),
    ];

    public static async Task<ProductionContainerSettings> CreateAsync()
    {
        var database = $"orders_{Guid.NewGuid():N}";
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = database };
        var identity = await IdentityProvider.Shared;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__Postgres"] = postgres.ConnectionString,
            ["ConnectionStrings__Redis"] = TestServices.Redis,
            // An operator's CA bundle: a path the TLS stack reads, which must reach the app unchanged.
            ["SSL_CERT_FILE"] = "/etc/ssl/certs/ca-certificates.crt",
        };
        foreach (var (key, value) in identity.Settings)
        {
            environment[key] = value ?? string.Empty;
        }

        return new ProductionContainerSettings(database, environment);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
