using System.Reflection.PortableExecutable;

namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// The production image built with READY_TO_RUN=true runs code compiled ahead of time (ReadyToRun), the app's and its
/// packages', for the target's machine. The packages are compiled in a layer of their own: a code change compiles
/// only the app, and a push moves one small layer.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Containers)]
public sealed class ReadyToRunImageTests(TemplateHive hive)
{
    [Fact]
    public async Task With_ready_to_run_every_assembly_is_compiled_ahead_of_time_and_a_code_change_adds_only_the_app_layer()
    {
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        var tag = $"thereview-test/orders-r2r:{Guid.NewGuid():N}"[..40];
        var edited = $"{tag}-edited";
        var builder = $"{tag}-builder";
        try
        {
            (await BuildAsync(repository, "production", tag)).EnsureSuccess();
            await File.AppendAllTextAsync(repository.PathOf("src/Orders.Api/Program.cs"), "// a one-line change\n");
            var rebuilt = (await BuildAsync(repository, "production", edited)).EnsureSuccess();

            var assemblies = await ImageAssemblies.ReadAsync(edited);
            Assert.Contains(assemblies, a => a.File == "Orders.Api.dll");
            Assert.Contains(assemblies, a => a.File == "Npgsql.dll");
            Assert.All(assemblies, a => Assert.True(a.NativeCode == Machine.Amd64, $"{a.File}: native code for {a.NativeCode?.ToString() ?? "no machine (IL only)"}"));

            // The packages' step came from the cache, the app's publish compiled the app again, and only the app's layer is new.
            Assert.Matches(@"#(\d+) \[builder +\d+/\d+\] RUN [^\n]*-p:OutputType=Library[^\n]*\n#\1 CACHED", rebuilt.Output);
            (await BuildAsync(repository, "builder", builder)).EnsureSuccess();
            var compiledSinceTheEdit = (await DockerHost.RunAsync("run", "--rm", "--entrypoint", "find", builder, "/src/src/Orders.Api/obj",
                "-path", "*/R2R/*", "-name", "*.dll", "-newer", "/src/src/Orders.Api/Program.cs", "-printf", "%f\n")).EnsureSuccess().StandardOutput;
            // A package is compiled again when its file in BuildKit's shared package cache is newer than the cached
            // step's output (another build restored it meanwhile): time only, as the compiler's output is the same,
            // which the single new layer below shows.
            var compiled = compiledSinceTheEdit.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("Orders.Api.dll", compiled);
            var before = await LayersAsync(tag);
            var after = await LayersAsync(edited);
            Assert.Single(after.Except(before));
            Figures.Report($"ReadyToRun: {assemblies.Count} assemblies in /app, every one with amd64 code; after a one-line change, 1 of {after.Length} layers new; compiled again: {string.Join(", ", compiled)}");
        }
        finally
        {
            await DockerHost.RunAsync("image", "rm", "--force", tag, edited, builder);
        }
    }

    /// <summary>The arm64 image is compiled on this amd64 machine (no emulation), for arm64: the runtime ignores code for another machine.</summary>
    [Fact]
    public async Task With_ready_to_run_the_arm64_image_built_on_amd64_carries_arm64_code()
    {
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        var tag = $"thereview-test/orders-r2r-arm64:{Guid.NewGuid():N}"[..46];
        try
        {
            (await BuildAsync(repository, "production", tag, "linux/arm64", await DockerHost.MultiPlatformRuntimeAsync())).EnsureSuccess();

            var assemblies = await ImageAssemblies.ReadAsync(tag, "linux/arm64");
            Assert.Contains(assemblies, a => a.File == "Orders.Api.dll");
            Assert.All(assemblies, a => Assert.True(a.NativeCode == Machine.Arm64, $"{a.File}: native code for {a.NativeCode?.ToString() ?? "no machine (IL only)"}"));
            Figures.Report($"ReadyToRun for arm64, compiled on amd64: {assemblies.Count} assemblies, every one with arm64 code");
        }
        finally
        {
            await DockerHost.RunAsync("image", "rm", "--force", tag);
        }
    }

    private static async Task<CommandResult> BuildAsync(GeneratedRepository repository, string target, string tag, string platform = "linux/amd64", string? runtime = null)
    {
        var images = await DockerHost.LocalImagesAsync();
        return await repository.RunAsync(new Dictionary<string, string?> { ["BUILDKIT_PROGRESS"] = "plain" }, Tools.Docker, "build", "--target", target, "--tag", tag,
            "--platform", platform, "--build-arg", "READY_TO_RUN=true",
            "--build-arg", $"SDK_IMAGE={images["SDK_IMAGE"]}", "--build-arg", $"RUNTIME_IMAGE={runtime ?? images["RUNTIME_IMAGE"]}", ".");
    }

    private static async Task<string[]> LayersAsync(string tag) =>
        (await DockerHost.RunAsync("image", "inspect", "--format", "{{range .RootFS.Layers}}{{println .}}{{end}}", tag))
            .EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
