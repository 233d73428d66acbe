using System.Net;

namespace TheReview.Templates.Tests.Specs.Stack;

/// <summary>
/// The production data survives what operators do to the stack: taking it down and up (Swarm and compose),
/// backing up while clients write, and a restore run by mistake on a database that is in use.
/// </summary>
[Collection(ProductionDeployment.Name)]
[Tier(Tier.Stack)]
public sealed class DataSafetyTests(SwarmDeployment stack)
{
    [Fact]
    public async Task Taking_the_stack_down_and_up_under_swarm_and_under_compose_keeps_every_row()
    {
        await stack.CreateReviewAsync("Survives restarts");
        var before = await stack.PsqlAsync(SwarmDeployment.ReviewsChecksum);

        (await stack.Workspace.MakeAsync("prod-remove")).EnsureSuccess();
        await stack.GoneAsync();
        try
        {
            for (var round = 1; round <= 2; round++)
            {
                (await stack.Workspace.MakeAsync("prod-up", stack.ProdFiles)).EnsureSuccess();
                Assert.Equal(before, await ComposeChecksumAsync());
                if (round == 1)
                {
                    await ComposeIsMonitoredAndRunsAsNonRootAsync();
                }

                // Compose applies the security options that Swarm ignores (docs/architecture.md).
                var api = await ComposeContainerAsync("api");
                Assert.Contains("no-new-privileges:true", (await DockerHost.InspectAsync(api)).GetProperty("HostConfig").GetProperty("SecurityOpt").EnumerateArray().Select(o => o.GetString()));
                (await stack.Workspace.MakeAsync("prod-down", stack.ProdFiles)).EnsureSuccess();
            }

            Figures.Report($"compose prod-up/prod-down twice after the Swarm stack was removed: reviews unchanged ({before.Split(':')[0]} rows, same digest)");
        }
        finally
        {
            await stack.Workspace.MakeAsync("prod-down", stack.ProdFiles);
            await stack.RedeployAsync();
        }

        Assert.Equal(before, await stack.PsqlAsync(SwarmDeployment.ReviewsChecksum));
    }

    /// <summary>
    /// Backups hold every record and the Data Protection key ring: the folder and each file are the owner's only,
    /// and with BACKUP_AGE_RECIPIENT set they are encrypted with age; a restore decrypts with BACKUP_AGE_IDENTITY and
    /// refuses, changing nothing, without it.
    /// </summary>
    [Fact]
    public async Task Backups_are_readable_by_their_owner_only_and_an_encrypted_backup_restores()
    {
        var repository = stack.Workspace.Repository;
        var identity = repository.PathOf("backup-identity.txt");
        (await Shell.RunAsync(Tools.AgeKeygen, ["-o", identity], repository.Directory)).EnsureSuccess();
        var recipient = (await Shell.RunAsync(Tools.AgeKeygen, ["-y", identity], repository.Directory)).EnsureSuccess().StandardOutput.Trim();
        var before = await stack.PsqlAsync(SwarmDeployment.ReviewsChecksum);

        var plain = (await Shell.RunAsync(repository.PathOf("scripts/backup-redis.sh"), [], repository.Directory)).EnsureSuccess().StandardOutput.Trim().Split('\n')[^1];
        var sealedBackup = (await Shell.RunAsync(repository.PathOf("scripts/backup-postgres.sh"), [], repository.Directory,
            new Dictionary<string, string?> { ["BACKUP_AGE_RECIPIENT"] = recipient })).EnsureSuccess().StandardOutput.Trim().Split('\n')[^1];
        var refused = await Shell.RunAsync(repository.PathOf("scripts/restore-postgres.sh"), [sealedBackup, "--force"], repository.Directory);
        var restored = await Shell.RunAsync(repository.PathOf("scripts/restore-postgres.sh"), [sealedBackup, "--force"], repository.Directory,
            new Dictionary<string, string?> { ["BACKUP_AGE_IDENTITY"] = identity });

        Assert.Equal("700", await ModeAsync(repository.PathOf("backups")));
        Assert.Equal("600", await ModeAsync(repository.PathOf(plain)));
        Assert.Equal("600", await ModeAsync(repository.PathOf(sealedBackup)));
        Assert.EndsWith(".dump.age", sealedBackup, StringComparison.Ordinal);
        Assert.StartsWith("age-encryption.org/v1", await File.ReadAllTextAsync(repository.PathOf(sealedBackup)), StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("set BACKUP_AGE_IDENTITY", refused.Output, StringComparison.Ordinal);
        restored.EnsureSuccess();
        Assert.Equal(before, await stack.PsqlAsync(SwarmDeployment.ReviewsChecksum));
        Figures.Report($"backups/ 700, {Path.GetFileName(plain)} 600, {Path.GetFileName(sealedBackup)} 600 and age-encrypted; restored with the identity, refused without it ({refused.Output.Trim().Split('\n')[^1]})");
    }

    private static async Task<string> ModeAsync(string path) =>
        (await Shell.RunAsync("stat", ["-c", "%a", path])).EnsureSuccess().StandardOutput.Trim();

    [Fact]
    public async Task A_backup_taken_under_write_load_holds_every_row_committed_before_it_began()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && writes < 3000)
            {
                await stack.CreateReviewAsync($"Under load {writes}");
                Interlocked.Increment(ref writes);
                // One client writes them all: at most 40 a second stays under Nginx's per-client limit (50).
                await Task.Delay(25);
            }
        });
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref writes) >= 20), TimeSpan.FromSeconds(30), "writes under way");

        var atStart = long.Parse(await stack.PsqlAsync("SELECT count(*) FROM reviews"), System.Globalization.CultureInfo.InvariantCulture);
        var backup = (await stack.Workspace.MakeAsync("--no-print-directory", "backup-postgres")).EnsureSuccess().StandardOutput.Trim().Split('\n')[^1];
        var atEnd = long.Parse(await stack.PsqlAsync("SELECT count(*) FROM reviews"), System.Globalization.CultureInfo.InvariantCulture);
        await stop.CancelAsync();
        await writer;

        var restored = await RestoredRowCountAsync(stack.Workspace.Repository.PathOf(backup));
        Figures.Report($"backup under {writes} writes: {atStart} rows when it began, {atEnd} when it ended, {restored} in the restored copy");
        Assert.True(atEnd > atStart, "no write happened while the backup ran");
        Assert.InRange(restored, atStart, atEnd);
    }

    [Fact]
    public async Task A_restore_into_a_database_in_use_is_refused_unless_forced()
    {
        // Redis in use: a read caches the review (for five minutes); a restore by another spec may have emptied it.
        Assert.Equal(HttpStatusCode.OK, await stack.StatusAsync(stack.ReviewPath));
        var postgresBackup = (await stack.Workspace.MakeAsync("--no-print-directory", "backup-postgres")).EnsureSuccess().StandardOutput.Trim().Split('\n')[^1];
        var redisBackup = (await stack.Workspace.MakeAsync("--no-print-directory", "backup-redis")).EnsureSuccess().StandardOutput.Trim().Split('\n')[^1];
        var before = await stack.PsqlAsync(SwarmDeployment.ReviewsChecksum);

        var postgres = await stack.Workspace.MakeAsync("restore-postgres", $"file={postgresBackup}");
        var redis = await stack.Workspace.MakeAsync("restore-redis", $"file={redisBackup}");

        Assert.NotEqual(0, postgres.ExitCode);
        Assert.Contains("--force", postgres.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, redis.ExitCode);
        Assert.Contains("--force", redis.Output, StringComparison.Ordinal);
        Assert.Equal(before, await stack.PsqlAsync(SwarmDeployment.ReviewsChecksum));
        Assert.Equal(HttpStatusCode.OK, await stack.StatusAsync(stack.ReviewPath));
        Figures.Report($"restore without force: PostgreSQL refused ({postgres.Output.Trim().Split('\n').First(l => l.Contains("error", StringComparison.Ordinal))}); Redis refused too; data unchanged");
    }

    /// <summary>Restores the dump into a scratch database in the stack's PostgreSQL and counts its reviews.</summary>
    private async Task<long> RestoredRowCountAsync(string dump)
    {
        var postgres = await stack.ContainerOfAsync("postgres");
        (await DockerHost.RunAsync("cp", dump, $"{postgres}:/tmp/verify.dump")).EnsureSuccess();
        try
        {
            await stack.PsqlAsync("DROP DATABASE IF EXISTS verify_backup", "postgres");
            await stack.PsqlAsync("CREATE DATABASE verify_backup", "postgres");
            (await DockerHost.RunAsync("exec", postgres, "sh", "-c",
                "pg_restore --no-owner --exit-on-error -U \"$POSTGRES_USER\" -d verify_backup /tmp/verify.dump")).EnsureSuccess();
            return long.Parse(await stack.PsqlAsync("SELECT count(*) FROM reviews", "verify_backup"), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            await stack.PsqlAsync("DROP DATABASE IF EXISTS verify_backup", "postgres");
            await DockerHost.RunAsync("exec", "--user", "root", postgres, "rm", "-f", "/tmp/verify.dump");
        }
    }

    /// <summary>Under <c>make prod-up</c> Prometheus scrapes every API replica and exporter, no alert is pending or firing, and no process runs as root.</summary>
    private async Task ComposeIsMonitoredAndRunsAsNonRootAsync()
    {
        var prometheus = await ComposeContainerAsync("prometheus");
        string[] up = [];
        var targets = await Poll.UntilAsync(async () =>
        {
            // Samples of the last 30 s only: Prometheus keeps its volume, and with it the Swarm replicas' old series.
            up = await DockerHost.TryPrometheusQueryAsync(prometheus, "up and time() - timestamp(up) < 30") ?? [];
            return up.Count(l => l.Contains("job=\"api\"", StringComparison.Ordinal) && l.Contains("=> 1", StringComparison.Ordinal)) == 3
                && up.Where(l => !l.Contains("job=\"api\"", StringComparison.Ordinal)).All(l => l.Contains("=> 1", StringComparison.Ordinal))
                && up.Any(l => l.Contains("job=\"postgres\"", StringComparison.Ordinal))
                && up.Any(l => l.Contains("job=\"redis\"", StringComparison.Ordinal));
        }, TimeSpan.FromMinutes(2), () => $"3 API replicas and every exporter up in Prometheus under compose; last seen: {string.Join("; ", up)}");

        // The migration job runs after the services are up, so readiness may still be pending for a moment; a
        // healthy stack then settles with no alert at all, and none ever reaches "firing".
        string[] alerts = [];
        var settled = await Poll.UntilAsync(async () =>
        {
            alerts = await DockerHost.PrometheusQueryAsync(prometheus, "ALERTS and time() - timestamp(ALERTS) < 30");
            Assert.DoesNotContain(alerts, alert => alert.Contains("alertstate=\"firing\"", StringComparison.Ordinal));
            return alerts.Length == 0;
        }, TimeSpan.FromMinutes(2), () => $"no alert on a healthy compose stack; last seen: {string.Join("; ", alerts)}");

        var uids = await DockerHost.AssertNonRootAsync(await DockerHost.ContainersAsync($"com.docker.compose.project={stack.Name}", "com.docker.compose.service"));
        Figures.Report($"compose prod-up: every target up after {targets.TotalSeconds:F0} s, no alert after {settled.TotalSeconds:F0} s more (none firing); real UIDs: {string.Join("; ", uids.Order(StringComparer.Ordinal))}");
    }

    private async Task<string> ComposeChecksumAsync() =>
        await SwarmDeployment.PsqlInAsync(await ComposeContainerAsync("postgres"), SwarmDeployment.ReviewsChecksum);

    private async Task<string> ComposeContainerAsync(string service)
    {
        var container = (await DockerHost.RunAsync("ps", "--quiet", "--filter", $"label=com.docker.compose.project={stack.Name}", "--filter", $"label=com.docker.compose.service={service}"))
            .EnsureSuccess().StandardOutput.Split('\n')[0].Trim();
        Assert.False(string.IsNullOrEmpty(container), $"no {service} container in the compose project {stack.Name}");
        return container;
    }
}
