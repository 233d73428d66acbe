using System.Collections.Concurrent;

[assembly: AssemblyFixture(typeof(TheReview.Templates.Tests.Infrastructure.TemplateHive))]

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The template installed from this repository's folder into an isolated template cache
/// (--debug:custom-hive), so the user's own templates are never touched. Instantiations are
/// cached per scenario for the whole run: snapshots, rules and builds share one output.
/// </summary>
public sealed class TemplateHive : IAsyncLifetime
{
    public const string ShortName = "thereview-backend";

    private readonly ConcurrentDictionary<string, Lazy<Task<GeneratedRepository>>> instantiated = new();
    private readonly string outputRoot = PackPaths.NewTempDirectory("generated");

    public string HiveDirectory { get; } = PackPaths.NewTempDirectory("hive");

    public async ValueTask InitializeAsync() =>
        (await Shell.DotNetAsync(["new", "install", PackPaths.TemplateDirectory, "--debug:custom-hive", HiveDirectory])).EnsureSuccess();

    /// <summary>Runs <c>dotnet new thereview-backend</c> with the given arguments in this hive.</summary>
    public Task<CommandResult> NewAsync(IEnumerable<string> arguments, string? workingDirectory = null) =>
        Shell.DotNetAsync(["new", ShortName, .. arguments, "--debug:custom-hive", HiveDirectory], workingDirectory);

    /// <summary>The repository a scenario generates, created once per test run.</summary>
    public Task<GeneratedRepository> InstantiateAsync(Scenario scenario) =>
        instantiated.GetOrAdd(scenario.Id, _ => new Lazy<Task<GeneratedRepository>>(() => CreateAsync(scenario))).Value;

    private async Task<GeneratedRepository> CreateAsync(Scenario scenario)
    {
        var directory = Path.Combine(outputRoot, scenario.Id, scenario.Name);
        (await NewAsync(["-n", scenario.Name, "-o", directory, "--skip-restore", .. scenario.Options])).EnsureSuccess();
        return new GeneratedRepository(directory, scenario);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var directory in new[] { outputRoot, HiveDirectory })
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
