namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The npm package kubernetes-models as a second validator (tests/tools/kubernetes-models, pinned by its lockfile):
/// required fields, types and enums of each object's own apiVersion and kind. It keeps removed API versions and
/// allows unknown fields, which KubernetesClient's strict load refuses; the two together cover both kinds of mistake.
/// </summary>
public static class KubernetesModels
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>One line per problem the validators find in the objects of a YAML stream; empty when every object is valid.</summary>
    public static async Task<List<string>> ProblemsAsync(string yaml)
    {
        var directory = await Installed.Value;
        var file = Path.Combine(PackPaths.NewTempDirectory("kubernetes-models"), "objects.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var result = await Shell.RunAsync(TestServices.Program("node", "/usr/bin/node"), [Path.Combine(directory, "validate.js"), file], directory);
        Assert.True(result.ExitCode is 0 or 1, result.Output);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^\d+ objects valid, \d+ problems$", lines[^1]);
        return [.. lines[..^1]];
    }

    private static async Task<string> InstallAsync()
    {
        var directory = Path.Combine(PackPaths.Root, "tests", "tools", "kubernetes-models");
        (await Shell.RunAsync(TestServices.Program("npm", "/usr/bin/npm"), ["ci", "--no-audit", "--no-fund", "--silent"], directory, timeout: TimeSpan.FromMinutes(5))).EnsureSuccess();
        return directory;
    }
}
