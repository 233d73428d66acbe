using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>Rules every generated repository keeps, whatever the options.</summary>
[Tier(Tier.Static)]
public sealed partial class GenerationRuleTests(TemplateHive hive)
{
    private static readonly string[] SourceNameForms = ["TheReview.Backend", "thereview.backend", "thereview-backend", "thereview_backend", "TheReview_Backend"];

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

        Assert.Contains("scripts/template-diff.sh", scripts);
        Assert.All(scripts, script => Assert.True(
            File.GetUnixFileMode(repository.PathOf(script)).HasFlag(UnixFileMode.UserExecute),
            $"{script} is not executable"));
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
        foreach (var option in new[] { "postgres", "mongo", "redis", "sample" })
        {
            Assert.Equal(definition.Has(option), options.GetProperty(option).GetBoolean());
        }

        Assert.Equal(definition.Replicas, options.GetProperty("replicas").GetInt32());
        Assert.Equal(definition.Setup, options.GetProperty("setup").GetString());
        Assert.Equal(definition.Has("admin-uis"), options.GetProperty("adminUis").GetBoolean());
        Assert.Equal(definition.Has("monitoring"), options.GetProperty("monitoring").GetBoolean());
        Assert.Equal(definition.Has("devcontainer"), options.GetProperty("devcontainer").GetBoolean());
        Assert.Equal(definition.OptionValue("gitlab-ci") == "true", options.GetProperty("gitlabCi").GetBoolean());
    }

    [Theory]
    [InlineData("postgres", "Npgsql")]
    [InlineData("mongo", "MongoDB")]
    [InlineData("redis", "StackExchange.Redis")]
    public async Task A_datastore_left_out_leaves_no_package_code_or_setting_behind(string option, string marker)
    {
        var without = Scenario.Snapshotted.Where(s => !s.Has(option));

        foreach (var scenario in without)
        {
            var repository = await hive.InstantiateAsync(scenario);
            var mentions = repository.Files.Where(path => repository.Read(path).Contains(marker, StringComparison.Ordinal)).ToList();
            Assert.True(mentions.Count == 0, $"{scenario.Id} has no {option}, yet {string.Join(", ", mentions)} mention {marker}");
            Assert.DoesNotContain(repository.Files, path => path.Contains($"{Capitalized(option)}Extensions", StringComparison.Ordinal));
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

    private static string Capitalized(string option) => char.ToUpperInvariant(option[0]) + option[1..];

    [GeneratedRegex(@"^\s*(//|#|<!--)?\s*#(if|elif|else|endif)\b")]
    private static partial Regex TemplateDirective();
}
