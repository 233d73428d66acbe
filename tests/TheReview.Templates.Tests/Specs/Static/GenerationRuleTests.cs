using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>Rules every generated repository keeps, whatever the options.</summary>
[Tier(Tier.Static)]
public sealed partial class GenerationRuleTests(TemplateHive hive)
{
    private static readonly string[] SourceNameForms = [PackPaths.SourceName, "thereview.backend", "thereview-backend", "thereview_backend", "TheReview_Backend"];

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task No_template_directive_is_left_in_any_file(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        var leftovers = repository.Files
            .SelectMany(path => repository.Read(path).Split('\n').Select((line, index) => (path, line, index)))
            .Where(hit => TemplateDirective().IsMatch(hit.line))
            .Select(hit => $"{hit.path}:{hit.index + 1}: {hit.line.Trim()}")
            .ToList();

        Assert.True(leftovers.Count == 0, string.Join('\n', leftovers));
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task No_source_name_is_left_in_any_path_or_file(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        var leftovers = repository.Files
            .SelectMany(path => SourceNameForms
                .Where(form => path.Contains(form, StringComparison.Ordinal) || repository.Read(path).Contains(form, StringComparison.Ordinal))
                .Select(form => $"{path}: {form}"))
            .ToList();

        Assert.True(leftovers.Count == 0, string.Join('\n', leftovers));
    }

    /// <summary>The .NET 10 images are Ubuntu 24.04 (noble): no Debian aspnet:10.0 exists, so no file may say so.</summary>
    [Fact]
    public async Task No_file_calls_the_dotnet_images_debian()
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);

        var wrong = repository.Files
            .SelectMany(path => repository.Read(path).Split('\n').Select((line, index) => (path, line, index)))
            .Where(hit => hit.line.Contains("dotnet/", StringComparison.Ordinal) && hit.line.Contains("Debian", StringComparison.OrdinalIgnoreCase))
            .Select(hit => $"{hit.path}:{hit.index + 1}: {hit.line.Trim()}")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Dotfiles_are_generated(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        Assert.All([".gitignore", ".dockerignore", ".editorconfig"], dotfile => Assert.Contains(dotfile, repository.Files));
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Shell_scripts_are_executable(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        var scripts = repository.Files.Where(path => path.EndsWith(".sh", StringComparison.Ordinal)).ToList();

        Assert.Contains("scripts/template.sh", scripts);
        Assert.All(scripts, script => Assert.True(
            File.GetUnixFileMode(repository.PathOf(script)).HasFlag(UnixFileMode.UserExecute),
            $"{script} is not executable"));
    }

    /// <summary>A post action that fails prints its manual instructions as if the user had to act: none may, whatever the options.</summary>
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task No_post_action_fails(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        Assert.Contains("was created successfully", repository.NewOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", repository.NewOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task The_options_are_recorded_in_thereview_json(string scenario)
    {
        var definition = Scenario.ById(scenario);
        var repository = await hive.InstantiateAsync(definition);

        using var record = System.Text.Json.JsonDocument.Parse(repository.Read("thereview.json"));
        var options = record.RootElement.GetProperty("options");
        Assert.Equal(definition.Name, record.RootElement.GetProperty("name").GetString());
        Assert.Equal(TemplateManifest.PackVersion, record.RootElement.GetProperty("packVersion").GetString());
        // Every option but skip-restore, which says how to generate, not what was generated.
        var recorded = TemplateOption.All.Where(option => option.Symbol != "skipRestore").ToList();
        Assert.Equal(recorded.Select(option => option.Symbol), options.EnumerateObject().Select(property => property.Name));
        Assert.All(recorded, option => Assert.Equal(definition.Recorded(option), options.GetProperty(option.Symbol).ToString().ToLowerInvariant()));
    }

    /// <summary>
    /// A new option reaches the snapshots: each one (but skip-restore, which changes no file) is set away from its
    /// default in at least one snapshotted scenario, where it also takes effect.
    /// </summary>
    [Fact]
    public void Every_option_is_turned_from_its_default_in_a_snapshotted_scenario()
    {
        var untried = TemplateOption.All
            .Where(option => option.Symbol != "skipRestore")
            .Where(option => !Scenario.Snapshotted.Any(s => s.ValueOf(option) != option.Default && option.IsEnabled(s.ValueOf)))
            .Select(option => $"--{option.LongName}")
            .ToList();

        Assert.True(untried.Count == 0, $"no snapshotted scenario (Scenario.Snapshotted) sets {string.Join(", ", untried)} away from its default");
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("Windows_NT", false)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_scripts_are_made_executable_where_chmod_applies_and_windows_is_told_the_git_command(string? os, bool executable)
    {
        var output = Path.Combine(PackPaths.NewTempDirectory("host-os"), "Orders");

        var created = (await Shell.DotNetAsync(["new", TemplateHive.ShortName, "-n", "Orders", "-o", output, "--skip-restore", "--debug:custom-hive", hive.HiveDirectory],
            environment: new Dictionary<string, string?> { ["OS"] = os })).EnsureSuccess();

        Assert.Equal(!executable, created.StandardOutput.Contains("git update-index --chmod=+x scripts/*.sh", StringComparison.Ordinal));
        Assert.All(Directory.GetFiles(Path.Combine(output, "scripts"), "*.sh"),
            script => Assert.Equal(executable, File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute)));
    }

    [Fact]
    public async Task Options_of_a_stack_that_is_left_out_are_disabled_in_help_and_ignored_not_refused()
    {
        var help = (await hive.NewAsync(["--help"])).EnsureSuccess().StandardOutput;
        Assert.Equal(2, Regex.Count(help, Regex.Escape("Enabled if: (setup != \"prod\")")));
        Assert.Equal(2, Regex.Count(help, Regex.Escape("Enabled if: (setup != \"dev\")")));

        var prod = await hive.InstantiateAsync(new Scenario("prod-with-dev-options", "Orders", ["--setup", "prod", "--admin-uis", "true", "--devcontainer", "true"]));
        var dev = await hive.InstantiateAsync(new Scenario("dev-with-replicas", "Orders", ["--setup", "dev", "--replicas", "7", "--kubernetes", "true"]));

        Assert.False(prod.Exists(".devcontainer"), "a dev container without the development stack");
        Assert.DoesNotContain(prod.Files, file => prod.Read(file).Contains("pgadmin", StringComparison.OrdinalIgnoreCase));
        using var record = System.Text.Json.JsonDocument.Parse(prod.Read("thereview.json"));
        Assert.False(record.RootElement.GetProperty("options").GetProperty("adminUis").GetBoolean());
        Assert.False(record.RootElement.GetProperty("options").GetProperty("devcontainer").GetBoolean());
        Assert.DoesNotContain(dev.Files, file => dev.Read(file).Contains("API_REPLICAS", StringComparison.Ordinal));
        Assert.DoesNotContain(dev.Files, file => file.StartsWith("deploy/", StringComparison.Ordinal) || file == "scripts/k8s.sh");
        using var devRecord = System.Text.Json.JsonDocument.Parse(dev.Read("thereview.json"));
        Assert.False(devRecord.RootElement.GetProperty("options").GetProperty("kubernetes").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Kubernetes_left_out_leaves_no_manifest_target_or_doc_behind(string scenario)
    {
        var definition = Scenario.ById(scenario);
        var repository = await hive.InstantiateAsync(definition);

        var mentions = repository.Files
            .Where(path => path.StartsWith("deploy/kubernetes/", StringComparison.Ordinal) || path == "scripts/k8s.sh"
                || Regex.IsMatch(repository.Read(path), @"k8s-|deploy/kubernetes"))
            .ToList();

        if (definition.HasKubernetes)
        {
            Assert.Contains("deploy/kubernetes/base/kustomization.yaml", mentions);
            Assert.Contains("Makefile", mentions);
        }
        else
        {
            Assert.True(mentions.Count == 0, $"{scenario} has no Kubernetes, yet {string.Join(", ", mentions)} remain");
        }
    }

    [Theory]
    [InlineData("postgres", "Npgsql")]
    [InlineData("mongo", "MongoDB")]
    [InlineData("redis", "StackExchange.Redis")]
    [InlineData("redis", "X-Cache")]
    [InlineData("redis", "AddCacheAside")]
    [InlineData("mongo", "ActivityIndex")]
    public async Task A_datastore_left_out_leaves_no_package_code_or_setting_behind(string option, string marker)
    {
        var without = Scenario.Snapshotted.Where(s => !s.Has(option));

        foreach (var scenario in without)
        {
            var repository = await hive.InstantiateAsync(scenario);
            var mentions = repository.Files.Where(path => repository.Read(path).Contains(marker, StringComparison.Ordinal)).ToList();
            Assert.True(mentions.Count == 0, $"{scenario.Id} has no {option}, yet {string.Join(", ", mentions)} mention {marker}");
            Assert.DoesNotContain(repository.Files, path => path.Contains($"{Capitalized(option)}Extensions", StringComparison.Ordinal));
            Assert.DoesNotContain(repository.Files, path => path.Contains($"/Datastores/{Capitalized(option)}/", StringComparison.Ordinal)
                || path.EndsWith($".{Capitalized(option)}.cs", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_sample_left_out_leaves_no_reviews_code_behind()
    {
        foreach (var scenario in Scenario.Snapshotted.Where(s => !s.Has("sample") || !s.Has("postgres")))
        {
            var repository = await hive.InstantiateAsync(scenario);
            Assert.DoesNotContain(repository.Files, path => path.Contains("Review", StringComparison.Ordinal));
            Assert.DoesNotContain(repository.Files, path => path.Contains("Migrations", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A fallback is generated only where it is the implementation, never next to the real one; and the activity
    /// log only where features can be (they need PostgreSQL).
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task The_logging_activity_log_exists_only_without_mongo(string scenario)
    {
        var definition = Scenario.ById(scenario);
        var repository = await hive.InstantiateAsync(definition);
        var logged = repository.Files.Any(path => path.EndsWith("/Features/ActivityLog.Logged.cs", StringComparison.Ordinal));
        var mongo = repository.Files.Any(path => path.EndsWith("/Features/ActivityLog.Mongo.cs", StringComparison.Ordinal));

        Assert.Equal(definition.Has("postgres") && !definition.Has("mongo"), logged);
        Assert.Equal(definition.Has("postgres") && definition.Has("mongo"), mongo);
        Assert.DoesNotContain(repository.Files, path => path.EndsWith(".Logged.cs", StringComparison.Ordinal) && definition.Has("mongo"));
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Every_namespace_follows_its_folder(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        var mismatches = repository.Files
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) && (path.StartsWith("src/", StringComparison.Ordinal) || path.StartsWith("tests/", StringComparison.Ordinal)))
            .Select(path => (path, declared: FileScopedNamespace().Match(repository.Read(path)).Groups["name"].Value, expected: string.Join('.', path.Split('/')[1..^1])))
            .Where(file => file.declared.Length > 0 && file.declared != file.expected)
            .Select(file => $"{file.path}: namespace {file.declared}, folder says {file.expected}")
            .ToList();

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task A_build_setting_is_set_once(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        static IEnumerable<string> Properties(string xml) =>
            System.Xml.Linq.XDocument.Parse(xml).Root!.Elements("PropertyGroup").SelectMany(group => group.Elements()).Select(property => property.Name.LocalName);
        var shared = Properties(repository.Read("Directory.Build.props")).Where(name => name != "NoWarn").ToHashSet(StringComparer.Ordinal);

        var repeated = repository.Files.Where(path => path.EndsWith(".csproj", StringComparison.Ordinal))
            .SelectMany(project => Properties(repository.Read(project)).Where(shared.Contains).Select(name => $"{project}: {name} is already set in Directory.Build.props"))
            .ToList();

        Assert.True(repeated.Count == 0, string.Join('\n', repeated));
    }

    [Fact]
    public async Task The_readiness_check_timeout_is_read_once_through_its_options_class()
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);

        var readers = repository.Files.Where(path => path.EndsWith(".cs", StringComparison.Ordinal) && path.StartsWith("src/", StringComparison.Ordinal)
            && repository.Read(path).Contains("CheckTimeout", StringComparison.Ordinal)).ToList();

        Assert.Equal(["src/Orders.Api/Health/HealthExtensions.cs"], readers);
    }

    private static string Capitalized(string option) => char.ToUpperInvariant(option[0]) + option[1..];

    [GeneratedRegex(@"^namespace (?<name>[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"^\s*(//|#|<!--)?\s*#(if|elif|else|endif)\b")]
    private static partial Regex TemplateDirective();
}
