namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// The stand-ins keep the official images' entrypoint contract where it decides the product's users: Redis
/// starts as root and steps down only when its command is the server itself, and the non-root check sees the
/// difference (the production stack once ran Redis inside <c>sh -c</c>, as root).
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Containers)]
public sealed class StandInContractTests
{
    [Fact]
    public async Task Redis_steps_down_for_redis_server_and_the_non_root_check_catches_a_shell_wrapped_server()
    {
        var image = (await DockerHost.LocalImagesAsync())["REDIS_IMAGE"];
        var server = await StartAsync(image, [], "redis-server", "--save", "");
        var wrapped = await StartAsync(image, [], "sh", "-c", "exec redis-server --save ''");
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

    /// <summary>
    /// The 8.x entrypoint steps down with setpriv, with no new privileges and no capabilities, and changes
    /// permissions only where it expects nothing but Redis's own files: a data folder holding anything else is left
    /// alone (the 7.x entrypoint took ownership of everything in it).
    /// </summary>
    [Fact]
    public async Task Redis_steps_down_without_privileges_and_leaves_a_data_folder_with_other_files_alone()
    {
        var image = (await DockerHost.LocalImagesAsync())["REDIS_IMAGE"];
        var data = PackPaths.NewTempDirectory("redis-data");
        // Open to Redis's user, as a volume Redis once owned would be; the other file stays root's.
        (await Shell.RunAsync("chmod", ["0777", data])).EnsureSuccess();
        var other = Path.Combine(data, "notes.txt");
        await File.WriteAllTextAsync(other, "not Redis's");
        var server = await StartAsync(image, ["--volume", $"{data}:/data"], "redis-server", "--save", "");
        try
        {
            var pid = (await DockerHost.InspectAsync(server)).GetProperty("State").GetProperty("Pid").GetInt32();
            var status = await File.ReadAllTextAsync($"/proc/{pid}/status");
            var owner = (await Shell.RunAsync("stat", ["-c", "%u", other])).EnsureSuccess().StandardOutput.Trim();
            var logs = (await DockerHost.RunAsync("logs", server)).Output;

            Assert.Matches(@"NoNewPrivs:\s+1", status);
            Assert.Matches(@"CapBnd:\s+0+\n", status);
            Assert.Equal("0", owner);
            Assert.Contains("Unknown file './notes.txt' found in data dir", logs, StringComparison.Ordinal);
            Figures.Report("redis stand-in: redis-server with no new privileges and an empty capability bounding set; a data folder with another file left as it was");
        }
        finally
        {
            await DockerHost.RunAsync("rm", "--force", "--volumes", server);
        }
    }

    private static async Task<string> StartAsync(string image, string[] options, params string[] command)
    {
        var id = (await DockerHost.RunAsync(["run", "--detach", "--label", "thereview.test=stand-in-contract", .. options, image, .. command])).EnsureSuccess().StandardOutput.Trim();
        await Poll.UntilAsync(async () => (await DockerHost.ProcessesAsync(id)).Any(p => p.Command.StartsWith("redis-server", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), $"redis-server in {command[0]}");
        return id;
    }
}
