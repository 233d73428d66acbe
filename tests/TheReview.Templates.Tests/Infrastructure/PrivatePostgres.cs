using Npgsql;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb in a temp directory, on a free loopback port), so a test
/// may stop and start it without touching any other test's database.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string binaries;
    private readonly string dataDirectory;
    private readonly bool asPostgresUser = Environment.UserName == "root";

    private PrivatePostgres(string binaries, string dataDirectory, int port)
    {
        this.binaries = binaries;
        this.dataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Password = "postgres", Database = database }.ConnectionString;

    // The test's own connections are not pooled: a pooled one would not survive the server's restarts.
    private string TestConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString(database)) { Pooling = false }.ConnectionString;

    public static async Task<PrivatePostgres> StartAsync()
    {
        var initdb = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin", "initdb")).Where(File.Exists).Order().LastOrDefault()
            : null;
        if (initdb is null)
        {
            TestServices.Unavailable("PostgreSQL server binaries (initdb) are not installed");
        }

        var server = new PrivatePostgres(Path.GetDirectoryName(initdb)!, PackPaths.NewTempDirectory("pgdata"), FreePort.Next());
        await server.InitializeAsync();
        await server.StartAgainAsync();
        return server;
    }

    private async Task InitializeAsync()
    {
        if (asPostgresUser)
        {
            (await Shell.RunAsync("chown", ["postgres:postgres", dataDirectory])).EnsureSuccess();
        }

        var password = Path.Combine(dataDirectory, "..", $"{Path.GetFileName(dataDirectory)}.pw");
        await File.WriteAllTextAsync(password, "postgres");
        if (asPostgresUser)
        {
            (await Shell.RunAsync("chown", ["postgres:postgres", password])).EnsureSuccess();
        }

        (await RunAsync("initdb", ["-D", Path.Combine(dataDirectory, "data"), "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={password}"])).EnsureSuccess();
        File.Delete(password);
    }

    public async Task StartAgainAsync() =>
        (await RunAsync("pg_ctl", ["-D", Path.Combine(dataDirectory, "data"), "-l", Path.Combine(dataDirectory, "server.log"), "-w",
            "-o", $"-p {Port} -k {dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])).EnsureSuccess();

    public async Task StopAsync() =>
        (await RunAsync("pg_ctl", ["-D", Path.Combine(dataDirectory, "data"), "-m", "fast", "-w", "stop"])).EnsureSuccess();

    public async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(TestConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string?> TextAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(TestConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() as string;
    }

    public async Task CreateDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(TestConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task<CommandResult> RunAsync(string program, IEnumerable<string> arguments)
    {
        var path = Path.Combine(binaries, program);
        return asPostgresUser
            ? Shell.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], "/", timeout: TimeSpan.FromMinutes(1))
            : Shell.RunAsync(path, arguments, "/", timeout: TimeSpan.FromMinutes(1));
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("pg_ctl", ["-D", Path.Combine(dataDirectory, "data"), "-m", "immediate", "-w", "stop"]);
        Directory.Delete(dataDirectory, recursive: true);
    }
}
