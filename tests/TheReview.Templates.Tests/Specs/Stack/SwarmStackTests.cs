using System.Net;

namespace TheReview.Templates.Tests.Specs.Stack;

/// <summary>
/// The production stack under Docker Swarm: replicas behind Nginx over TLS, rolling updates under load,
/// automatic and manual rollback, scaling, and backups that restore. Each spec leaves 3 healthy replicas.
/// </summary>
[Collection(ProductionDeployment.Name)]
[Tier(Tier.Stack)]
public sealed class SwarmStackTests(SwarmDeployment stack)
{
    [Fact]
    public async Task The_stack_serves_its_replicas_behind_nginx_over_tls_with_migrations_applied()
    {
        var migrate = (await DockerHost.RunAsync("service", "ps", $"{stack.Name}_migrate", "--format", "{{.CurrentState}}")).EnsureSuccess();
        Assert.Contains("Complete", migrate.StandardOutput, StringComparison.Ordinal);

        using var ready = await stack.Proxy.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        // The metrics are on the management port, which Nginx never reaches (ProxySecurityTests tries every spelling).
        Assert.Equal(HttpStatusCode.NotFound, await stack.StatusAsync("/metrics"));

        var (instances, _) = await stack.ReplicasAnsweringAsync(3);
        Figures.Report($"replicas answering through Nginx: {string.Join(", ", instances)}");
    }

    [Fact]
    public async Task Prometheus_scrapes_every_replica_and_exporter()
    {
        var prometheus = await stack.ContainerOfAsync("prometheus");

        var targets = await Poll.UntilAsync(async () =>
        {
            var lines = await DockerHost.TryPrometheusQueryAsync(prometheus, "up == 1") ?? [];
            return lines.Count(l => l.Contains("job=\"api\"", StringComparison.Ordinal)) == 3
                && lines.Any(l => l.Contains("job=\"postgres\"", StringComparison.Ordinal))
                && lines.Any(l => l.Contains("job=\"redis\"", StringComparison.Ordinal));
        }, TimeSpan.FromMinutes(2), "3 API replicas, postgres and redis exporters up in Prometheus");
        Figures.Report($"all targets up after {targets.TotalSeconds:F0} s");
    }

    [Fact]
    public async Task A_rolling_update_under_load_loses_no_request_and_a_manual_rollback_returns_to_the_previous_release()
    {
        await stack.BuildReleaseAsync("1.0.1");
        await stack.ConvergedAsync(3, "1.0.0");
        var replaced = await stack.RunningTaskIdsAsync();
        await using var load = await LoadGenerator.StartAsync(stack.Proxy, stack.ReviewPath);

        (await stack.Workspace.MakeAsync("prod-deploy", stack.ProdFiles, "API_TAG=1.0.1")).EnsureSuccess();
        var sawExtraReplica = false;
        var converged = await Poll.UntilAsync(async () =>
        {
            var tasks = await stack.RunningTasksAsync();
            sawExtraReplica |= tasks.Count > 3;
            return tasks.Count == 3 && tasks.All(t => t.Image.EndsWith(":1.0.1", StringComparison.Ordinal) && t.State.StartsWith("Running", StringComparison.Ordinal))
                && (await DockerHost.RunAsync("service", "inspect", "--format", "{{.UpdateStatus.State}}", stack.Api)).StandardOutput.Trim() == "completed";
        }, TimeSpan.FromMinutes(5), "every replica on 1.0.1");
        var report = await load.StopAsync();

        Figures.Report($"rolling update to 1.0.1 in {converged.TotalSeconds:F0} s: {report}");
        Assert.True(report.Failures == 0, $"{report}: {string.Join("; ", report.FailureSamples)}");
        Assert.True(report.Requests >= 100, report.ToString());
        Assert.True(sawExtraReplica, "start-first: a new replica runs before an old one stops");
        // Exactly the replicas of 1.0.0 that ran when the update began; earlier tests' tasks have their own history.
        var stopped = await stack.TaskEndsAsync(replaced);
        Figures.Report($"replicas of 1.0.0 stopped by the update: exit codes {string.Join(", ", stopped)} (stop_grace_period 30 s)");
        Assert.Equal(3, stopped.Count);
        Assert.All(stopped, task => Assert.True(task.ExitCode == 0, $"a replica of 1.0.0 ended with {task}"));

        (await stack.Workspace.MakeAsync("prod-rollback")).EnsureSuccess();
        await stack.ConvergedAsync(3, "1.0.0");
    }

    [Fact]
    public async Task A_release_that_cannot_start_rolls_back_by_itself_while_the_service_stays_available()
    {
        var broken = $"{stack.Workspace.Settings["API_IMAGE"]}:9.9.9-broken";
        var context = PackPaths.NewTempDirectory("broken");
        // The release's configuration is invalid, so it exits at start-up and never becomes healthy.
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"),
            $"FROM {stack.Workspace.Settings["API_IMAGE"]}:1.0.0\nENV Health__CheckTimeout=not-a-time-span\n");
        (await DockerHost.RunAsync("build", "--quiet", "--tag", broken, context)).EnsureSuccess();
        var before = (await stack.RunningTasksAsync()).Select(t => t.Image).Distinct().Single();
        await using var load = await LoadGenerator.StartAsync(stack.Proxy, stack.ReviewPath);

        (await stack.Workspace.MakeAsync("prod-deploy", stack.ProdFiles, "API_TAG=9.9.9-broken")).EnsureSuccess();
        var rolledBack = await Poll.UntilAsync(async () =>
            (await DockerHost.RunAsync("service", "inspect", "--format", "{{.UpdateStatus.State}}", stack.Api)).StandardOutput.Trim() == "rollback_completed",
            TimeSpan.FromMinutes(5), "automatic rollback");
        await stack.ConvergedAsync(3, before.Split(':')[^1]);
        var report = await load.StopAsync();

        Figures.Report($"automatic rollback after {rolledBack.TotalSeconds:F0} s: {report}");
        Assert.True(report.Failures == 0, $"{report}: {string.Join("; ", report.FailureSamples)}");
        Assert.All(await stack.RunningTasksAsync(), t => Assert.Equal(before, t.Image));
    }

    [Fact]
    public async Task Scaling_to_five_replicas_puts_every_one_behind_nginx()
    {
        var tag = (await stack.RunningTasksAsync()).First().Image.Split(':')[^1];
        try
        {
            (await stack.Workspace.MakeAsync("prod-scale", "n=5")).EnsureSuccess();
            await stack.ConvergedAsync(5, tag);

            var (_, waited) = await stack.ReplicasAnsweringAsync(5, 100);
            Figures.Report($"5 replicas answered within {waited.TotalSeconds:F0} s");
        }
        finally
        {
            // The specs after this one share the stack: the two replicas that go drain for a few seconds (they
            // still answer while Nginx's resolver forgets them), so the stack is back only when 3 answer.
            (await stack.Workspace.MakeAsync("prod-scale", "n=3")).EnsureSuccess();
            await stack.ConvergedAsync(3, tag);
            await stack.ReplicasAnsweringAsync(3, 100);
        }
    }

    [Fact]
    public async Task Backups_of_postgres_and_redis_restore_identical_data_into_new_volumes()
    {
        for (var i = 0; i < 10; i++)
        {
            await stack.StatusAsync(await stack.CreateReviewAsync($"Backup {i}"));
        }

        var postgresBefore = await PostgresChecksumAsync();
        var durableKeys = await DurableRedisKeysAsync();
        var redisBefore = await RedisChecksumAsync(durableKeys);
        var postgresBackup = (await stack.Workspace.MakeAsync("--no-print-directory", "backup-postgres")).EnsureSuccess().StandardOutput.Trim().Split('\n')[^1];
        var redisBackup = (await stack.Workspace.MakeAsync("--no-print-directory", "backup-redis")).EnsureSuccess().StandardOutput.Trim().Split('\n')[^1];

        await DestroyVolumesAsync("postgres", "redis");

        (await stack.Workspace.MakeAsync("restore-postgres", $"file={postgresBackup}")).EnsureSuccess();
        (await stack.Workspace.MakeAsync("restore-redis", $"file={redisBackup}", "force=1")).EnsureSuccess();
        Assert.Equal(postgresBefore, await PostgresChecksumAsync());
        Assert.Equal(redisBefore, await RedisChecksumAsync(durableKeys));
        await stack.ReadyEverywhereAsync();
    }

    private async Task DestroyVolumesAsync(params string[] services)
    {
        (await DockerHost.RunAsync(["service", "scale", "--detach=false", .. services.Select(s => $"{stack.Name}_{s}=0")])).EnsureSuccess();
        foreach (var service in services)
        {
            var containers = (await DockerHost.RunAsync("ps", "--all", "--quiet", "--filter", $"label=com.docker.swarm.service.name={stack.Name}_{service}")).StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (containers.Length > 0)
            {
                (await DockerHost.RunAsync(["rm", "--force", "--volumes", .. containers])).EnsureSuccess();
            }

            (await DockerHost.RunAsync("volume", "rm", $"{stack.Name}_{service}-data")).EnsureSuccess();
        }

        (await DockerHost.RunAsync(["service", "scale", "--detach=false", .. services.Select(s => $"{stack.Name}_{s}=1")])).EnsureSuccess();
        // Healthy is not yet enough: the first exec into a container that has just started can fail in runc,
        // so a store counts as back once an exec into it answers a query.
        foreach (var service in services)
        {
            await Poll.UntilAsync(async () =>
            {
                var id = (await DockerHost.RunAsync("ps", "--quiet", "--filter", $"label=com.docker.swarm.service.name={stack.Name}_{service}", "--filter", "health=healthy")).StandardOutput.Trim();
                return id.Length > 0 && (await DockerHost.RunAsync("exec", id, "sh", "-c", QueryOf[service])).ExitCode == 0;
            }, TimeSpan.FromMinutes(2), $"a fresh, healthy {service} that answers");
        }
    }

    private static readonly Dictionary<string, string> QueryOf = new()
    {
        ["postgres"] = "psql -tA -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -c 'SELECT 1'",
        ["redis"] = "REDISCLI_AUTH=$(cat /run/secrets/redis_password) redis-cli ping | grep -q PONG",
    };

    private Task<string> PostgresChecksumAsync() => stack.PsqlAsync(SwarmDeployment.ReviewsChecksum);

    /// <summary>The keys that cannot expire during the test: no expiry, or more than two minutes left (cache entries from earlier specs may lapse).</summary>
    private async Task<string[]> DurableRedisKeysAsync()
    {
        const string Script = "export REDISCLI_AUTH=$(cat /run/secrets/redis_password); redis-cli --scan | sort | while read -r key; do " +
            "ttl=$(redis-cli TTL \"$key\"); if [ \"$ttl\" -eq -1 ] || [ \"$ttl\" -gt 120 ]; then echo \"$key\"; fi; done";
        var keys = (await DockerHost.RunAsync("exec", await stack.ContainerOfAsync("redis"), "sh", "-c", Script)).EnsureSuccess().StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(keys);
        return keys;
    }

    private async Task<string> RedisChecksumAsync(string[] keys)
    {
        const string Script = "export REDISCLI_AUTH=$(cat /run/secrets/redis_password); for key in \"$@\"; do echo \"$key\"; redis-cli --no-raw DUMP \"$key\"; done | md5sum";
        return (await DockerHost.RunAsync(["exec", await stack.ContainerOfAsync("redis"), "sh", "-c", Script, "checksum", .. keys])).EnsureSuccess().StandardOutput.Trim();
    }
}
