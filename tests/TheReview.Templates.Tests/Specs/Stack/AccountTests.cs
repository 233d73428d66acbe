namespace TheReview.Templates.Tests.Specs.Stack;

/// <summary>
/// Each service of the Swarm stack logs in with its own least-privilege account, read back from the stores
/// themselves: PostgreSQL's sessions and table owners, Redis's ACL log, and the exporters' own view of their store.
/// </summary>
[Collection(ProductionDeployment.Name)]
[Tier(Tier.Stack)]
public sealed class AccountTests(SwarmDeployment stack)
{
    [Fact]
    public async Task The_migration_job_owns_the_schema_and_the_api_holds_only_the_data_role()
    {
        await stack.CreateReviewAsync("Accounts");
        var database = await stack.PsqlAsync("SELECT current_database()");

        var owners = await stack.PsqlAsync("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'");
        var sessions = await stack.PsqlAsync(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename IS NOT NULL");
        var superusers = await stack.PsqlAsync("SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolsuper OR rolcreaterole OR rolcreatedb");

        Assert.Equal($"{database}_owner", owners);
        Assert.Contains($"{database}_app", sessions.Split('\n'));
        Assert.All(sessions.Split('\n'), user => Assert.DoesNotContain(user, superusers.Split(',')));
        Figures.Report($"tables owned by {owners}; sessions of the stack's services: {sessions.Replace('\n', ',')}; roles with superuser, createrole or createdb rights: {superusers}");
    }

    /// <summary>
    /// A database from before the roles holds tables the superuser made: make prod-db-roles, run on the live stack,
    /// hands them to the owner role and gives the API's role their rows, and can run again.
    /// </summary>
    [Fact]
    public async Task Make_prod_db_roles_brings_a_table_from_before_the_roles_under_them()
    {
        var database = await stack.PsqlAsync("SELECT current_database()");
        await stack.PsqlAsync("CREATE TABLE IF NOT EXISTS legacy_notes (id int)");
        try
        {
            Assert.Equal(await stack.PsqlAsync("SELECT current_user"), await stack.PsqlAsync("SELECT tableowner FROM pg_tables WHERE tablename = 'legacy_notes'"));

            var first = (await stack.Workspace.MakeAsync("--no-print-directory", "prod-db-roles")).EnsureSuccess();
            (await stack.Workspace.MakeAsync("--no-print-directory", "prod-db-roles")).EnsureSuccess();

            Assert.Equal($"{database}_owner", await stack.PsqlAsync("SELECT tableowner FROM pg_tables WHERE tablename = 'legacy_notes'"));
            Assert.Equal("t", await stack.PsqlAsync($"SELECT has_table_privilege('{database}_app', 'legacy_notes', 'SELECT, INSERT, UPDATE, DELETE')"));
            Assert.Equal("f", await stack.PsqlAsync($"SELECT has_table_privilege('{database}_app', 'legacy_notes', 'TRUNCATE')"));
            Assert.Equal(System.Net.HttpStatusCode.OK, await stack.StatusAsync("/health/ready"));
            Figures.Report($"make prod-db-roles on the live stack: {first.StandardOutput.Trim().Split('\n')[^1]}; legacy_notes now owned by {database}_owner, rows granted to {database}_app");
        }
        finally
        {
            await stack.PsqlAsync("DROP TABLE IF EXISTS legacy_notes");
        }
    }

    [Fact]
    public async Task The_exporters_read_their_stores_with_their_own_accounts()
    {
        var prometheus = await stack.ContainerOfAsync("prometheus");

        var waited = await Poll.UntilAsync(async () =>
        {
            var up = await DockerHost.TryPrometheusQueryAsync(prometheus, "pg_up == 1 or redis_up == 1") ?? [];
            return up.Any(l => l.StartsWith("pg_up", StringComparison.Ordinal)) && up.Any(l => l.StartsWith("redis_up", StringComparison.Ordinal));
        }, TimeSpan.FromMinutes(2), "pg_up and redis_up at 1 in Prometheus");

        var environment = (await DockerHost.RunAsync("service", "inspect", $"{stack.Name}_postgres-exporter", "--format",
            "{{range .Spec.TaskTemplate.ContainerSpec.Env}}{{println .}}{{end}}")).EnsureSuccess().StandardOutput;
        Assert.Contains("DATA_SOURCE_USER=", environment, StringComparison.Ordinal);
        Assert.Contains("_monitor", environment.Split('\n').Single(l => l.StartsWith("DATA_SOURCE_USER=", StringComparison.Ordinal)), StringComparison.Ordinal);
        Figures.Report($"pg_up and redis_up at 1 after {waited.TotalSeconds:F0} s; {environment.Split('\n').Single(l => l.StartsWith("DATA_SOURCE_USER=", StringComparison.Ordinal))}");
    }

    [Fact]
    public async Task Redis_refused_nothing_the_api_or_the_exporter_asked_and_refuses_the_api_what_it_must_not_do()
    {
        var review = await stack.CreateReviewAsync("Accounts in Redis");
        for (var read = 0; read < 3; read++)
        {
            using var response = await stack.Proxy.GetAsync(new Uri(review, UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        var redis = await stack.ContainerOfAsync("redis");
        var log = await RedisCliAsync(redis, "default", "ACL", "LOG");
        var api = await RedisCliAsync(redis, "api", "FLUSHALL");
        var users = await RedisCliAsync(redis, "default", "ACL", "USERS");

        Assert.Equal(string.Empty, log);
        Assert.StartsWith("NOPERM", api, StringComparison.Ordinal);
        Assert.Equal(["api", "default", "exporter"], users.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Figures.Report($"ACL LOG after the API served and the exporter scraped: empty; FLUSHALL as api: {api}; users: {users.Replace('\n', ',')}");
    }

    /// <summary>
    /// redis-cli in the Redis container as one of its users, with the password from the files Redis reads (never on
    /// the command line): the default user's secret, or the user's line in redis.conf.
    /// </summary>
    private static async Task<string> RedisCliAsync(string container, string user, params string[] arguments)
    {
        var password = user == "default"
            ? "cat /run/secrets/redis_password"
            : $"sed -n 's/^user {user} on >\\([^ ]*\\) .*/\\1/p' /run/secrets/redis_conf";
        return (await DockerHost.RunAsync(["exec", container, "sh", "-c", $"REDISCLI_AUTH=\"$({password})\" redis-cli --user {user} \"$@\"", "redis-cli", .. arguments]))
            .StandardOutput.Trim();
    }
}
