using System.Collections.Concurrent;

[assembly: AssemblyFixture(typeof(TheReview.Templates.Tests.Infrastructure.TemplateHive))]

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The template as users install it: this repository packed into a nupkg once per run, installed into an
/// isolated template cache (--debug:custom-hive) so the user's own templates are never touched. Every
/// spec generates from the nupkg; the folder install is kept beside it only to prove both give the same
/// output. Instantiations are cached per scenario for the whole run: snapshots, rules and builds share one output.
/// </summary>
public sealed class TemplateHive : IAsyncLifetime
{
    public const string ShortName = "thereview-backend";

    private readonly ConcurrentDictionary<string, Lazy<Task<GeneratedRepository>>> instantiated = new();
    private readonly string outputRoot = PackPaths.NewTempDirectory("generated");
    private readonly string packageDirectory = PackPaths.NewTempDirectory("pack");
    private readonly string folderHiveDirectory = PackPaths.NewTempDirectory("folder-hive");
    private readonly Lazy<Task> folderInstalled;

    public TemplateHive() => folderInstalled = new(() => InstallFolderAsync(folderHiveDirectory));

    public string HiveDirectory { get; } = PackPaths.NewTempDirectory("hive");

    /// <summary>The nupkg this run packed from the repository (<c>dotnet pack TheReview.Templates.csproj</c>).</summary>
    public string PackagePath => Path.Combine(packageDirectory, $"TheReview.Templates.{TemplateManifest.PackVersion}.nupkg");

    public async ValueTask InitializeAsync()
    {
        (await Shell.DotNetAsync(["pack", Path.Combine(PackPaths.Root, "TheReview.Templates.csproj"), "-o", packageDirectory, "-nodeReuse:false"], PackPaths.Root)).EnsureSuccess();
        (await Shell.DotNetAsync(["new", "install", PackagePath, "--debug:custom-hive", HiveDirectory])).EnsureSuccess();
    }

    /// <summary>Runs <c>dotnet new thereview-backend</c> with the given arguments in this hive.</summary>
    public Task<CommandResult> NewAsync(IEnumerable<string> arguments, string? workingDirectory = null) =>
        NewInAsync(HiveDirectory, arguments, workingDirectory);

    /// <summary>
    /// The repository a scenario generates from the nupkg, created once per test run for each name and set of
    /// options (two scenarios that share an id but not their options get a repository each). Scenarios that share
    /// a name and options share the repository, and its <see cref="GeneratedRepository.Scenario"/> is the first caller's.
    /// </summary>
    public Task<GeneratedRepository> InstantiateAsync(Scenario scenario) =>
        instantiated.GetOrAdd(scenario.GenerationKey, _ => new Lazy<Task<GeneratedRepository>>(() => CreateAsync(HiveDirectory, scenario, "nupkg"))).Value;

    /// <summary>Runs the thereview-feature item template in a (copied) repository, as <c>make feature</c> does, without the migration.</summary>
    public async Task<CommandResult> AddFeatureAsync(GeneratedRepository repository, string name)
    {
        var project = repository.Files.Single(file => file.StartsWith("src/", StringComparison.Ordinal) && file.EndsWith(".Api.csproj", StringComparison.Ordinal));
        // The item template reads the project's capabilities, which need it restored.
        (await Shell.DotNetAsync(["restore", project], repository.Directory)).EnsureSuccess();
        return await Shell.DotNetAsync(
            ["new", "thereview-feature", "--name", name, "--output", ".", "--project", project, "--debug:custom-hive", HiveDirectory], repository.Directory);
    }

    /// <summary>The same scenario generated from the repository folder installed as a template (README's set-up command).</summary>
    public async Task<GeneratedRepository> InstantiateFromFolderAsync(Scenario scenario)
    {
        await folderInstalled.Value;
        return await CreateAsync(folderHiveDirectory, scenario, "folder");
    }

    private static Task<CommandResult> NewInAsync(string hive, IEnumerable<string> arguments, string? workingDirectory) =>
        Shell.DotNetAsync(["new", ShortName, .. arguments, "--debug:custom-hive", hive], workingDirectory);

    private async Task<GeneratedRepository> CreateAsync(string hive, Scenario scenario, string source)
    {
        var directory = Path.Combine(outputRoot, source, $"{scenario.Id}-{Guid.NewGuid():N}"[..(scenario.Id.Length + 9)], scenario.Name);
        var result = (await NewInAsync(hive, ["-n", scenario.Name, "-o", directory, "--skip-restore", .. scenario.Options], null)).EnsureSuccess();
        return new GeneratedRepository(directory, scenario, result.StandardOutput);
    }

    private static async Task InstallFolderAsync(string hive) =>
        (await Shell.DotNetAsync(["new", "install", PackPaths.TemplateDirectory, "--debug:custom-hive", hive])).EnsureSuccess();

    public ValueTask DisposeAsync()
    {
        foreach (var directory in new[] { outputRoot, HiveDirectory, folderHiveDirectory, packageDirectory })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A process still holding a file must not fail the run; the OS cleans temp.
            }
        }

        return ValueTask.CompletedTask;
    }
}
