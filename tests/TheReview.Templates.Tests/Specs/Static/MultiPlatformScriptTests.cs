namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// scripts/image.sh multiarch (behind make image-multiarch) against a docker stand-in that records what it is asked
/// and answers as a given machine would: an image name without a registry, a builder that cannot run arm64 programs
/// (no binfmt emulation), or an arm64 image that is really an amd64 one stop it with a message, before anything is
/// pushed. MultiPlatformImageTests runs the same target on the real engine and registry.
/// </summary>
[Tier(Tier.Static)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MultiPlatformScriptTests(TemplateHive hive)
{
    private const string Emulating = "linux/amd64, linux/amd64/v2, linux/386, linux/arm64";

    [Theory]
    [InlineData("orders-api", Emulating, "linux-arm64", "API_IMAGE=orders-api names no registry")]
    [InlineData("registry.example/team/orders", "linux/amd64, linux/amd64/v2, linux/386", "linux-arm64", "install qemu-user-static and binfmt-support")]
    [InlineData("registry.example/team/orders", Emulating, "linux-x64", "the linux/arm64 image does not start as a linux/arm64 program")]
    public async Task Make_image_multiarch_stops_on_bad_input_before_pushing_anything(string image, string platforms, string arm64Answers, string message)
    {
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        var (result, calls) = await MakeImageMultiarchAsync(repository, image, platforms, arm64Answers);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(calls, call => call.StartsWith("push", StringComparison.Ordinal) || call.StartsWith("buildx imagetools create", StringComparison.Ordinal));
        Figures.Report($"make image-multiarch API_IMAGE={image} with builder platforms [{platforms}]: exit {result.ExitCode}, \"{result.StandardError.Trim()}\"; docker asked: {string.Join(" | ", calls.Select(c => c.Split(' ')[0] + " " + c.Split(' ').ElementAtOrDefault(1)))}");
    }

    [Fact]
    public async Task With_every_platform_built_and_started_make_image_multiarch_pushes_both_and_joins_them_under_the_one_name()
    {
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        var (result, calls) = await MakeImageMultiarchAsync(repository, "registry.example/team/orders", Emulating, "linux-arm64");

        result.EnsureSuccess();
        Assert.Contains(calls, c => c.StartsWith("buildx build --platform linux/arm64 --load", StringComparison.Ordinal) && c.EndsWith("--tag registry.example/team/orders:1.2.0-arm64 .", StringComparison.Ordinal));
        Assert.Equal(["push --quiet registry.example/team/orders:1.2.0-amd64", "push --quiet registry.example/team/orders:1.2.0-arm64"], calls.Where(c => c.StartsWith("push", StringComparison.Ordinal)));
        Assert.Contains("buildx imagetools create --tag registry.example/team/orders:1.2.0 registry.example/team/orders:1.2.0-amd64 registry.example/team/orders:1.2.0-arm64", calls);
        Assert.True(Array.FindIndex(calls, c => c.StartsWith("push", StringComparison.Ordinal)) > Array.FindLastIndex(calls, c => c.StartsWith("run", StringComparison.Ordinal)), "pushed before every platform was started");
    }

    /// <summary>make image-multiarch with a docker stand-in first on PATH; returns its result and the calls docker got.</summary>
    private static async Task<(CommandResult Result, string[] Calls)> MakeImageMultiarchAsync(GeneratedRepository repository, string image, string platforms, string arm64Answers)
    {
        var bin = PackPaths.NewTempDirectory("docker-stand-in");
        var record = Path.Combine(bin, "calls.txt");
        await StandIn.WriteAsync(bin, "docker", $$"""
            #!/bin/sh
            echo "$*" >> "{{record}}"
            case "$*" in
              "buildx inspect") printf 'Name: default\nDriver: docker\nPlatforms: %s\n' "{{platforms}}" ;;
              "run "*linux/amd64*" version") echo "Orders.Api 1.0.0 linux-x64 .NET 10.0.12" ;;
              "run "*linux/arm64*" version") echo "Orders.Api 1.0.0 {{arm64Answers}} .NET 10.0.12" ;;
            esac
            exit 0
            """);

        var result = await Shell.RunAsync("make", ["image-multiarch", $"API_IMAGE={image}", "API_TAG=1.2.0"], repository.Directory, new Dictionary<string, string?>
        {
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}",
        });
        return (result, File.Exists(record) ? await File.ReadAllLinesAsync(record) : []);
    }
}
