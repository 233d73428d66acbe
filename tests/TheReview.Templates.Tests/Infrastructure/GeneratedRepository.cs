using System.Text;
using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>A repository written by the template, and the mechanics every spec needs on it: read, build, test, run.</summary>
public sealed partial class GeneratedRepository(string directory, Scenario scenario, string newOutput = "")
{
    private static readonly string[] BuildOutput = ["bin", "obj", "TestResults", "node_modules"];

    /// <summary>The datastores .ci/run provides as servers; their tests must run, never skip.</summary>
    private static readonly string[] ServerDatastores = ["postgres", "redis"];
    private readonly Lazy<Task<CommandResult>> build = new(async () =>
    {
        // As make build does: the pinned tools first (Kiota writes the API client during the build).
        var tools = await Shell.DotNetAsync(["tool", "restore"], directory, timeout: TimeSpan.FromMinutes(3));
        return tools.ExitCode != 0
            ? tools
            : await Shell.DotNetAsync(["build", SolutionOf(directory), "-warnaserror", "-nodeReuse:false"], directory, timeout: TimeSpan.FromMinutes(8));
    });

    public string Directory => directory;

    public Scenario Scenario => scenario;

    /// <summary>What <c>dotnet new</c> printed while writing the repository.</summary>
    public string NewOutput => newOutput;

    public string SolutionFile => SolutionOf(directory);

    /// <summary>Every file the template wrote, as relative paths with forward slashes; build output and installed npm packages excluded.</summary>
    public IReadOnlyList<string> Files =>
        [.. System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(directory, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(part => BuildOutput.Contains(part)))
            .Order(StringComparer.Ordinal)];

    public string PathOf(string relative) => Path.Combine(directory, relative);

    /// <summary>The EF Core migrations the repository ships (each a Migration class, without its designer file).</summary>
    public IReadOnlyList<string> Migrations =>
        [.. Files.Where(f => f.Contains("/Datastores/Postgres/Migrations/", StringComparison.Ordinal) && f.EndsWith(".cs", StringComparison.Ordinal)
            && !f.EndsWith(".Designer.cs", StringComparison.Ordinal) && !f.EndsWith("ModelSnapshot.cs", StringComparison.Ordinal))];

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    public bool Exists(string relative) => File.Exists(PathOf(relative)) || System.IO.Directory.Exists(PathOf(relative));

    /// <summary>The API project's build output, after <see cref="BuildAsync"/>.</summary>
    public string ApiAssembly
    {
        get
        {
            var project = System.IO.Directory.GetFiles(Path.Combine(directory, "src"), "*.Api.csproj", SearchOption.AllDirectories).Single();
            var name = Path.GetFileNameWithoutExtension(project);
            return Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug", "net10.0", $"{name}.dll");
        }
    }

    /// <summary><c>dotnet build -warnaserror</c> of the whole repository, once per run.</summary>
    public Task<CommandResult> BuildAsync() => build.Value;

    /// <summary>Runs the repository's own tests (after the build), with the given environment.</summary>
    public Task<CommandResult> TestAsync(IReadOnlyDictionary<string, string?> environment, params string[] filter) =>
        Shell.DotNetAsync(["test", "--solution", SolutionFile, "--no-build", .. filter], directory, environment, TimeSpan.FromMinutes(8));

    /// <summary>
    /// Builds with warnings as errors and runs the repository's own tests (all, or the classes matching
    /// <paramref name="testClass"/>) against the pack's PostgreSQL and Redis, which must not skip; fails unless at
    /// least one test passed and none failed. Returns the test summary.
    /// </summary>
    public async Task<string> BuildAndPassOwnTestsAsync(string? testClass = null)
    {
        var required = ServerDatastores.Where(scenario.Has).ToList();
        var environment = new Dictionary<string, string?>
        {
            [TestServices.PostgresVariable] = scenario.Has("postgres") ? TestServices.Postgres : null,
            [TestServices.RedisVariable] = scenario.Has("redis") ? TestServices.Redis : null,
            [TestServices.MongoVariable] = TestServices.Mongo,
            ["THEREVIEW_TEST_REQUIRE_DATASTORES"] = string.Join(',', required),
            ["TESTCONTAINERS_RYUK_DISABLED"] = "true",
        };

        (await BuildAsync()).EnsureSuccess();
        var tests = (await TestAsync(environment, testClass is null ? [] : ["--", "--filter-class", testClass])).EnsureSuccess();

        var summary = TestSummary().Match(tests.StandardOutput);
        Assert.True(summary.Success, tests.StandardOutput);
        Assert.Equal("0", summary.Groups["failed"].Value);
        Assert.True(int.Parse(summary.Groups["succeeded"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, tests.StandardOutput);
        return summary.Value.ReplaceLineEndings(" ");
    }

    /// <summary>A private copy, for checks that write files (secrets, certificates) next to the generated ones.</summary>
    public GeneratedRepository Copy()
    {
        var target = Path.Combine(PackPaths.NewTempDirectory("copy"), Path.GetFileName(directory));
        foreach (var file in Files)
        {
            var destination = Path.Combine(target, file);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(PathOf(file), destination);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(destination, File.GetUnixFileMode(PathOf(file)));
            }
        }

        return new GeneratedRepository(target, scenario);
    }

    /// <summary>Runs a program in the repository's folder.</summary>
    /// <summary>The targets <c>make help</c> lists, with their descriptions.</summary>
    public async Task<Dictionary<string, string>> MakeTargetsAsync()
    {
        var help = (await RunAsync(Tools.Make, "help")).EnsureSuccess().StandardOutput;
        return HelpLine().Matches(AnsiEscape().Replace(help, string.Empty))
            .ToDictionary(m => m.Groups["target"].Value, m => m.Groups["description"].Value.Trim());
    }

    /// <summary>Writes <c>.env</c> as an operator does: <c>.env.example</c> with these values set, the rest as it is.</summary>
    public async Task WriteEnvAsync(IReadOnlyDictionary<string, string> settings)
    {
        var env = new StringBuilder();
        foreach (var line in (await File.ReadAllTextAsync(PathOf(".env.example"))).Split('\n'))
        {
            var key = line.Split('=', 2)[0];
            env.AppendLine(line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#') && settings.TryGetValue(key, out var value) ? $"{key}={value}" : line);
        }

        foreach (var (key, value) in settings.Where(s => !env.ToString().Contains($"\n{s.Key}=", StringComparison.Ordinal)))
        {
            env.AppendLine($"{key}={value}");
        }

        await File.WriteAllTextAsync(PathOf(".env"), env.ToString());
    }

    public Task<CommandResult> RunAsync(string program, params string[] arguments) =>
        Shell.RunAsync(program, arguments, directory, timeout: TimeSpan.FromMinutes(2));

    /// <summary>Runs a program in the repository's folder with these environment variables (such as <see cref="ScriptTools"/>' PATH).</summary>
    public Task<CommandResult> RunAsync(IReadOnlyDictionary<string, string?> environment, string program, params string[] arguments) =>
        Shell.RunAsync(program, arguments, directory, environment, TimeSpan.FromMinutes(2));

    private static string SolutionOf(string directory) =>
        System.IO.Directory.GetFiles(directory, "*.slnx").Single();

    [GeneratedRegex(@"total: (?<total>\d+)\s+failed: (?<failed>\d+)\s+succeeded: (?<succeeded>\d+)\s+skipped: (?<skipped>\d+)")]
    private static partial Regex TestSummary();

    [GeneratedRegex(@"^[ \t]+(?<target>[a-zA-Z0-9_-]+)[ \t]+(?<description>.+)$", RegexOptions.Multiline)]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
