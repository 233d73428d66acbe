namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// tests/run fails a run that leaves anything behind in Docker (tests/scripts/docker-leftovers.sh): across runs,
/// leaked networks use up the engine's address pools, and the next <c>make prod-up</c> finds none.
/// </summary>
[Tier(Tier.Containers)]
public sealed class DockerLeftoverTests
{
    private static readonly string Script = Path.Combine(PackPaths.Root, "tests", "scripts", "docker-leftovers.sh");

    [Fact]
    public async Task A_network_made_after_the_listing_is_named_and_fails_the_check_until_it_is_removed()
    {
        await DockerHost.RequireEngineAsync();
        var before = Path.GetTempFileName();
        var network = $"thereview-leak-{Guid.NewGuid():N}"[..24];
        try
        {
            await File.WriteAllTextAsync(before, (await Shell.RunAsync("bash", [Script])).EnsureSuccess().StandardOutput, TestContext.Current.CancellationToken);
            (await DockerHost.RunAsync("network", "create", network)).EnsureSuccess();

            var leaked = await Shell.RunAsync("bash", [Script, before]);
            Assert.Equal(1, leaked.ExitCode);
            Assert.Contains($"network {network}", leaked.StandardOutput.Split('\n'));

            (await DockerHost.RunAsync("network", "rm", network)).EnsureSuccess();
            // Specs running beside this one may have items of their own in the listing; this network is gone from it.
            var after = await Shell.RunAsync("bash", [Script, before]);
            Assert.DoesNotContain($"network {network}", after.StandardOutput.Split('\n'));
        }
        finally
        {
            await DockerHost.RunAsync("network", "rm", network);
            File.Delete(before);
        }
    }
}
