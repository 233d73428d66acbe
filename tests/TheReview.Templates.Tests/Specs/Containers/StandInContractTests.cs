namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// The stand-ins keep the official images' entrypoint contract where it decides the product's users: Redis
/// starts as root and steps down only when its command is the server itself, and the non-root check sees the
/// difference (the production stack once ran Redis inside <c>sh -c</c>, as root).
/// </summary>
[Collection(SerialBuilds.Name)]
[Tier(Tier.Containers)]
public sealed class StandInContractTests
{
    [Fact]
    public async Task Redis_steps_down_for_redis_server_and_the_non_root_check_catches_a_shell_wrapped_server()
    {
        var image = (await DockerHost.LocalImagesAsync())["REDIS_IMAGE"];
        var server = await StartAsync(image, "redis-server", "--save", "");
        var wrapped = await StartAsync(image, "sh", "-c", "exec redis-server --save ''");
        try
        {
            var uids = await DockerHost.AssertNonRootAsync([(server, "redis-server")]);
            var caught = await Assert.ThrowsAnyAsync<Exception>(() => DockerHost.AssertNonRootAsync([(wrapped, "sh -c redis-server")]));

            Assert.Contains("sh -c redis-server (redis-server)", caught.Message, StringComparison.Ordinal);
            Figures.Report($"redis stand-in: {string.Join("; ", uids)} as its own command; wrapped in sh -c: {caught.Message.Split('\n')[0]}");
        }
        finally
        {
            // --volumes: the image declares VOLUME /data, and each container made an anonymous one.
            await DockerHost.RunAsync("rm", "--force", "--volumes", server, wrapped);
        }
    }

    private static async Task<string> StartAsync(string image, params string[] command)
    {
        var id = (await DockerHost.RunAsync(["run", "--detach", "--label", "thereview.test=stand-in-contract", image, .. command])).EnsureSuccess().StandardOutput.Trim();
        await Poll.UntilAsync(async () => (await DockerHost.ProcessesAsync(id)).Any(p => p.Command.StartsWith("redis-server", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), $"redis-server in {command[0]}");
        return id;
    }
}
