using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StackExchange.Redis;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// The API holds no more rights than it uses. A database prepared by the generated <c>deploy/postgres/roles.sh</c>
/// (as the image's first start runs it) is migrated by the owner role and served by the data-only role; a Redis
/// started with the <c>redis.conf</c> that <c>make secrets</c> writes serves the API's ACL user. An attacker who
/// holds the API's credentials is refused everything beyond rows and its own keys, and Redis's ACL log shows
/// that the API itself never asks for more.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class LeastPrivilegeTests(RunningServiceFixture service)
{
    /// <summary>What the API's PostgreSQL role must be refused, with the reason each matters.</summary>
    public static TheoryData<string> ForbiddenStatements =>
    [
        "CREATE TABLE intruder (id int)",
        "DROP TABLE reviews",
        "ALTER TABLE reviews ADD COLUMN intruder int",
        "TRUNCATE reviews",
        "CREATE SCHEMA intruder",
        "CREATE TEMPORARY TABLE intruder (id int)",
        "COPY reviews TO PROGRAM 'id'",
        "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE ROLE intruder LOGIN",
        "CREATE DATABASE intruder",
        "ALTER SYSTEM SET log_statement = 'none'",
        "SELECT pg_read_file('/etc/passwd')",
    ];

    /// <summary>The commands the issue names, and others of the same kind: server administration and keyspace-wide reads or wipes.</summary>
    public static TheoryData<string> ForbiddenCommands =>
    [
        "CONFIG GET requirepass",
        "CONFIG SET appendonly yes",
        "FLUSHALL",
        "FLUSHDB",
        "KEYS *",
        "DEBUG SLEEP 0",
        "SHUTDOWN NOSAVE",
        "ACL LIST",
        "SET another-service:key 1",
    ];

    [Fact]
    public async Task The_migration_runs_as_the_owner_role_and_the_api_serves_as_the_data_only_role()
    {
        await using var roles = await PostgresRoles.PrepareAsync(service);
        (await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, roles.Environment("owner"), "migrate")).EnsureSuccess();
        await using var api = await ApiProcess.StartAsync(service.WithoutMongo.ApiAssembly, roles.Environment("app"), service.Authorization);

        await AssertTheSampleWorksAsync(api);
        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/ready"));
        Assert.Equal($"{roles.Database}_owner", await service.Postgres.TextAsync(roles.Database, "SELECT tableowner FROM pg_tables WHERE tablename = 'reviews'"));
        var connected = await service.Postgres.TextAsync(roles.Database,
            $"SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE datname = '{roles.Database}' AND usename <> 'postgres'");
        Assert.Equal($"{roles.Database}_app", connected);
        Figures.Report($"reviews owned by {roles.Database}_owner; the API's connections: {connected}");
    }

    [Theory]
    [MemberData(nameof(ForbiddenStatements))]
    public async Task The_api_role_is_refused(string statement)
    {
        await using var roles = await PostgresRoles.PrepareAsync(service);
        (await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, roles.Environment("owner"), "migrate")).EnsureSuccess();

        await using var connection = new NpgsqlConnection(roles.ConnectionString("app"));
        await connection.OpenAsync();
        await using (var rows = new NpgsqlCommand("INSERT INTO reviews (id, subject, author, rating, created_at, updated_at) VALUES (gen_random_uuid(), 's', 'a', 3, now(), now())", connection))
        {
            Assert.Equal(1, await rows.ExecuteNonQueryAsync());
        }

        await using var command = new NpgsqlCommand(statement, connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Figures.Report($"{statement}: {refused.MessageText}");
    }

    [Fact]
    public async Task The_roles_script_can_run_again_and_stops_on_a_missing_secret_without_changing_a_role()
    {
        await using var roles = await PostgresRoles.PrepareAsync(service);
        (await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, roles.Environment("owner"), "migrate")).EnsureSuccess();

        (await roles.RunScriptAsync()).EnsureSuccess();
        await using (var api = await ApiProcess.StartAsync(service.WithoutMongo.ApiAssembly, roles.Environment("app"), service.Authorization))
        {
            await AssertTheSampleWorksAsync(api);
        }

        await File.WriteAllTextAsync(roles.PasswordFile("app"), string.Empty);
        var missing = await roles.RunScriptAsync();
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("postgres_app_password is missing or empty (make secrets writes it); no role was changed", missing.StandardError, StringComparison.Ordinal);
        Figures.Report($"second run: exit 0; with the API's secret empty: exit {missing.ExitCode}, \"{missing.StandardError.Trim()}\"");
    }

    /// <summary>A stack without monitoring has no exporter and no monitor secret (make secrets writes none): no monitor role.</summary>
    [Fact]
    public async Task Without_the_monitor_secret_the_script_makes_the_owner_and_data_roles_only()
    {
        await using var roles = await PostgresRoles.PrepareAsync(service, withMonitor: false);

        var made = await service.Postgres.TextAsync(roles.Database,
            $"SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE '{roles.Database}%'");

        Assert.Equal($"{roles.Database}_app,{roles.Database}_owner", made);
        (await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, roles.Environment("owner"), "migrate")).EnsureSuccess();
    }

    [Fact]
    public async Task The_api_redis_user_serves_the_sample_and_redis_logs_no_refused_command()
    {
        await using var redis = await AclRedis.StartAsync(service.WithoutMongo);
        await using var roles = await PostgresRoles.PrepareAsync(service);
        (await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, roles.Environment("owner"), "migrate")).EnsureSuccess();
        var environment = roles.Environment("app");
        environment["ConnectionStrings__Redis"] = $"{redis.Server.ConnectionString},user=api";
        environment["Redis__Password"] = redis.Password("redis_app_password");
        await using var api = await ApiProcess.StartAsync(service.WithoutMongo.ApiAssembly, environment, service.Authorization);

        var review = await CreateReviewAsync(api);
        Assert.Equal("MISS", await api.CacheHeaderAsync(review));
        Assert.Equal("HIT", await api.CacheHeaderAsync(review));
        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/ready"));

        await using var admin = await redis.ConnectAsync(user: null, "redis_password");
        var refusals = (RedisResult[])(await admin.GetDatabase().ExecuteAsync("ACL", "LOG"))!;
        Assert.True(refusals.Length == 0, $"Redis refused the API {refusals.Length} times: {string.Join("; ", refusals.Select(r => string.Join(' ', ((RedisResult[])r!).Select(x => x.ToString()))))}");
        var keys = (RedisResult[])(await admin.GetDatabase().ExecuteAsync("KEYS", "*"))!;
        Assert.NotEmpty(keys);
        Figures.Report($"the API's Redis user wrote {keys.Length} keys ({string.Join(", ", keys.Select(k => k.ToString()))}); ACL LOG: empty");
    }

    [Theory]
    [MemberData(nameof(ForbiddenCommands))]
    public async Task The_api_redis_user_is_refused(string line)
    {
        var command = line.Split(' ');
        await using var redis = await AclRedis.StartAsync(service.WithoutMongo);
        await using var api = await redis.ConnectAsync("api", "redis_app_password");
        await using var admin = await redis.ConnectAsync(user: null, "redis_password");

        var refused = await Assert.ThrowsAsync<RedisServerException>(() =>
            api.GetDatabase().ExecuteAsync(command[0], [.. command.Skip(1)]));
        // The ACL's own verdict too: Redis refuses some commands (DEBUG) for every user before the ACL is asked.
        var verdict = (await admin.GetDatabase().ExecuteAsync("ACL", ["DRYRUN", "api", .. command])).ToString();
        Assert.NotEqual("OK", verdict);
        Assert.True(redis.Server.IsRunning, "Redis stopped");
        Figures.Report($"{line}: {refused.Message}; ACL DRYRUN: {verdict}");
    }

    private static async Task AssertTheSampleWorksAsync(ApiProcess api)
    {
        var review = await CreateReviewAsync(api);
        using var read = await api.Client.GetAsync(review);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var list = await api.Client.GetAsync("/api/reviews");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var deleted = await api.Client.DeleteAsync(review);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    private static async Task<string> CreateReviewAsync(ApiProcess api)
    {
        using var created = await api.Client.PostAsJsonAsync("/api/reviews", new { subject = "Grinder", rating = 4 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        return $"/api/reviews/{id}";
    }

    /// <summary>A new database on the tier's PostgreSQL, prepared by the generated roles script with secrets of its own.</summary>
    private sealed class PostgresRoles : IAsyncDisposable
    {
        private readonly RunningServiceFixture service;
        private readonly string secrets = PackPaths.NewTempDirectory("postgres-secrets");

        private PostgresRoles(RunningServiceFixture service, string database)
        {
            this.service = service;
            Database = database;
        }

        public string Database { get; }

        public static async Task<PostgresRoles> PrepareAsync(RunningServiceFixture service, bool withMonitor = true)
        {
            var roles = new PostgresRoles(service, await service.NewDatabaseAsync());
            foreach (var role in withMonitor ? new[] { "owner", "app", "monitor" } : ["owner", "app"])
            {
                await File.WriteAllTextAsync(roles.PasswordFile(role), $"{role}-{Guid.NewGuid():N}");
            }

            (await roles.RunScriptAsync()).EnsureSuccess();
            return roles;
        }

        public string PasswordFile(string role) => Path.Combine(secrets, $"postgres_{role}_password");

        /// <summary>The script as the image's entrypoint runs it: the superuser's environment and the secret files.</summary>
        public Task<CommandResult> RunScriptAsync() =>
            Shell.RunAsync("bash", [service.WithoutMongo.PathOf("deploy/postgres/roles.sh")], secrets, new Dictionary<string, string?>
            {
                ["PGHOST"] = "127.0.0.1",
                ["PGPORT"] = service.Postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PGPASSWORD"] = "postgres",
                ["POSTGRES_USER"] = "postgres",
                ["POSTGRES_DB"] = Database,
                ["POSTGRES_OWNER_PASSWORD_FILE"] = PasswordFile("owner"),
                ["POSTGRES_APP_PASSWORD_FILE"] = PasswordFile("app"),
                ["POSTGRES_MONITOR_PASSWORD_FILE"] = PasswordFile("monitor"),
            });

        /// <summary>A role's connection string; the API pools its connections, so they show in pg_stat_activity.</summary>
        public string ConnectionString(string role, bool pooling = false) =>
            new NpgsqlConnectionStringBuilder(service.Postgres.ConnectionString(Database))
            {
                Username = $"{Database}_{role}",
                Password = File.ReadAllText(PasswordFile(role)),
                Pooling = pooling,
            }.ConnectionString;

        /// <summary>The API's settings, logged in as one of the roles.</summary>
        public Dictionary<string, string?> Environment(string role)
        {
            var environment = service.Environment(Database);
            environment["ConnectionStrings__Postgres"] = ConnectionString(role, pooling: true);
            return environment;
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(secrets, recursive: true);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A Redis of the test's own, started with the redis.conf that the generated <c>make secrets</c> writes.</summary>
    private sealed class AclRedis : IAsyncDisposable
    {
        private readonly string directory;

        private AclRedis(string directory, PrivateRedis server)
        {
            this.directory = directory;
            Server = server;
        }

        public PrivateRedis Server { get; }

        public static async Task<AclRedis> StartAsync(GeneratedRepository repository)
        {
            var directory = PackPaths.NewTempDirectory("redis-acl");
            Directory.CreateDirectory(Path.Combine(directory, "scripts"));
            File.Copy(repository.PathOf("scripts/secrets.sh"), Path.Combine(directory, "scripts", "secrets.sh"));
            (await Shell.RunAsync("bash", ["scripts/secrets.sh"], directory)).EnsureSuccess();
            return new AclRedis(directory, await PrivateRedis.StartAsync(Path.Combine(directory, "secrets", "redis.conf")));
        }

        public string Password(string secret) => File.ReadAllText(Path.Combine(directory, "secrets", secret)).Trim();

        public Task<ConnectionMultiplexer> ConnectAsync(string? user, string secret)
        {
            var options = ConfigurationOptions.Parse(Server.ConnectionString);
            (options.User, options.Password, options.AllowAdmin) = (user, Password(secret), true);
            return ConnectionMultiplexer.ConnectAsync(options);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
