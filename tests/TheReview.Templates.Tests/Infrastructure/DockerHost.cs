using System.Text.Json;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The Docker engine the container tests run on, and the local stand-ins of the images the generated
/// files name (tests/images), built once per machine and passed through the product's own variables.
/// </summary>
public static class DockerHost
{
    private static readonly Lazy<Task<IReadOnlyDictionary<string, string>>> Images = new(BuildImagesAsync);

    /// <summary>The engine answers, or the test is unavailable (a failure in CI).</summary>
    public static async Task RequireEngineAsync()
    {
        var version = await Shell.RunAsync(Tools.Docker, ["version", "--format", "{{.Server.APIVersion}}"]);
        if (version.ExitCode != 0)
        {
            TestServices.Unavailable($"no Docker engine answers ({version.Output.Trim()})");
        }

        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("THEREVIEW_TEST_IMAGES") != "official")
        {
            TestServices.Unavailable("the container tests build base images with debootstrap, which needs root");
        }
    }

    /// <summary>Image variables (SDK_IMAGE, POSTGRES_IMAGE, ...) naming the local stand-ins.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> LocalImagesAsync()
    {
        await RequireEngineAsync();
        return await Images.Value;
    }

    public static Task<CommandResult> RunAsync(params string[] arguments) =>
        Shell.RunAsync(Tools.Docker, arguments, timeout: TimeSpan.FromMinutes(10));

    public static async Task<JsonElement> InspectAsync(params string[] arguments)
    {
        var result = (await RunAsync(["inspect", .. arguments])).EnsureSuccess();
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement[0].Clone();
    }

    private static async Task<IReadOnlyDictionary<string, string>> BuildImagesAsync()
    {
        // Where registries are reachable (hosted CI), THEREVIEW_TEST_IMAGES=official keeps the product's defaults.
        if (Environment.GetEnvironmentVariable("THEREVIEW_TEST_IMAGES") == "official")
        {
            return File.ReadAllLines(Path.Combine(PackPaths.TemplateDirectory, ".env.example"))
                .Where(line => !line.StartsWith('#') && line.Split('=', 2) is [var key, _] && key.EndsWith("_IMAGE", StringComparison.Ordinal))
                .Select(line => line.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        }

        var script = Path.Combine(PackPaths.Root, "tests", "scripts", "build-local-images.sh");
        var result = (await Shell.RunAsync("bash", [script], PackPaths.Root, timeout: TimeSpan.FromMinutes(20))).EnsureSuccess();
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
    }
}
