using System.Text.Json;

namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// Redis of the production stack, run with the production file's command and memory limit: a cache that grows
/// past <c>maxmemory</c> evicts cache entries (they expire) and never the Data Protection key ring (it does not),
/// and the container is never OOM-killed.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Containers)]
public sealed class RedisMemoryTests(TemplateHive hive)
{
    private const string KeyRing = "orders:DataProtection-Keys";

    [Fact]
    public async Task A_cache_filled_past_maxmemory_evicts_cache_entries_keeps_the_key_ring_and_is_never_oom_killed()
    {
        var docker = await Tools.DockerComposeAsync();
        var images = await DockerHost.LocalImagesAsync();
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        (await repository.RunAsync(repository.PathOf("scripts/secrets.sh"))).EnsureSuccess();
        (await repository.RunAsync(repository.PathOf("scripts/certs.sh"))).EnsureSuccess();
        await repository.WriteEnvAsync(new Dictionary<string, string> { ["AUTH_AUTHORITY"] = "https://login.example.com/realms/main", ["REDIS_IMAGE"] = images["REDIS_IMAGE"] });
        using var config = JsonDocument.Parse((await repository.RunAsync(docker, "compose", "-f", "docker-compose.prod.yml", "config", "--format", "json")).EnsureSuccess().StandardOutput);
        var redis = config.RootElement.GetProperty("services").GetProperty("redis");
        var limit = long.Parse(redis.GetProperty("deploy").GetProperty("resources").GetProperty("limits").GetProperty("memory").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var name = $"thereview-redis-memory-{Guid.NewGuid():N}"[..34];
        string[] secret = ["--env", $"REDISCLI_AUTH={repository.Read("secrets/redis_password").Trim()}"];
        (await DockerHost.RunAsync(["run", "--detach", "--name", name, "--memory", $"{limit}", "--memory-swap", $"{limit}",
            "--volume", $"{repository.PathOf("secrets/redis.conf")}:/run/secrets/redis_conf:ro",
            redis.GetProperty("image").GetString()!, .. redis.GetProperty("command").EnumerateArray().Select(a => a.GetString()!)])).EnsureSuccess();
        try
        {
            await Poll.UntilAsync(async () => (await CliAsync(name, secret, "ping")).Contains("PONG", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "redis answers");
            await CliAsync(name, secret, "rpush", KeyRing, "<key id=\"1\"/>");

            // 1 MB cache entries with an expiry, as the API writes them, 8 MB per call: 1.5 times the container's limit.
            var megabytes = (int)(limit * 3 / 2 / 1_048_576);
            for (var written = 0; written < megabytes; written += 8)
            {
                var answer = await CliAsync(name, secret, "eval",
                    "for i = 1, 8 do redis.call('SET', 'orders:cache:' .. ARGV[1] .. ':' .. i, string.rep('x', 1048576), 'EX', 3600) end return 'OK'", "0", $"{written}");
                Assert.True(answer.Trim() == "OK", $"writing the cache failed after {written} MB: {answer}");
            }

            var state = (await DockerHost.InspectAsync(name)).GetProperty("State");
            var memory = await CliAsync(name, secret, "info", "memory");
            var keys = await CliAsync(name, secret, "dbsize");
            Assert.False(state.GetProperty("OOMKilled").GetBoolean(), "Redis was OOM-killed");
            Assert.True(state.GetProperty("Running").GetBoolean(), "Redis stopped");
            Assert.Equal("1", (await CliAsync(name, secret, "llen", KeyRing)).Trim());
            var lastWritten = $"orders:cache:{(megabytes - 1) / 8 * 8}:8";
            Assert.Equal("1048576", (await CliAsync(name, secret, "strlen", lastWritten)).Trim());
            Figures.Report($"Redis under a {limit / 1_048_576} MB limit, {megabytes} MB of cache written: not OOM-killed, key ring kept, {keys.Trim()} keys left, " +
                string.Join(", ", memory.Split('\n').Where(l => l.StartsWith("used_memory_human:", StringComparison.Ordinal) || l.StartsWith("maxmemory_human:", StringComparison.Ordinal)).Select(l => l.Trim())));
        }
        finally
        {
            await DockerHost.RunAsync("rm", "--force", "--volumes", name);
        }
    }

    private static async Task<string> CliAsync(string container, string[] secret, params string[] arguments) =>
        (await DockerHost.RunAsync(["exec", .. secret, container, "redis-cli", .. arguments])).Output;
}
