namespace TheReview.Templates.Tests.Specs.Build;

/// <summary>
/// <c>make template-upgrade</c> brings a generated repository up to a newer pack, three ways: the team's edits
/// survive, the template's changes arrive, and where both touched the same lines the file gets conflict markers.
/// Two real releases: 0.9.0 (this tree) and 0.9.1 (this tree with a changed Makefile target, a changed line in
/// Program.cs, a new script and a dropped file), both served from a folder as a feed would serve them.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Build)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TemplateUpgradeTests(TemplateUpgradeTests.Releases releases) : IClassFixture<TemplateUpgradeTests.Releases>
{
    private const string TemplateLogTail = "\t$(DEV) logs -f --tail=200";
    private const string TeamLogTail = "\t$(DEV) logs -f --tail=50";
    private const string TemplateMapLine = "    app.MapFeatures(); // endpoints last: they use everything above";
    private const string TeamHealthLine = "    builder.AddHealth(); // probes before the datastores";
    private const string NewScript = "scripts/show-version.sh";

    [Fact]
    public async Task An_upgrade_keeps_the_teams_edits_brings_the_templates_changes_and_marks_what_both_changed()
    {
        var repository = await PackRelease.GenerateAsync(releases.Feed, Releases.Old, Scenario.Default);
        Edit(repository, "Makefile", "\t$(DEV) logs -f --tail=100", TeamLogTail);
        Edit(repository, "src/Orders.Api/Program.cs", "    builder.AddHealth();", TeamHealthLine);
        Edit(repository, "src/Orders.Api/appsettings.json", "\"CheckTimeout\": \"00:00:03\"", "\"CheckTimeout\": \"00:00:05\"");
        await File.WriteAllTextAsync(repository.PathOf("docs/team-notes.md"), "# Our notes\n");
        await File.AppendAllTextAsync(repository.PathOf("docs/architecture.md"), "\nOur addendum.\n");
        File.Delete(repository.PathOf(".devcontainer/devcontainer.json"));
        await PackRelease.CommitAsync(repository, "Team edits");

        var upgrade = await PackRelease.MakeAsync(repository, releases.Feed, "template-upgrade");

        Assert.True(upgrade.ExitCode != 0, $"a conflict must fail the upgrade:\n{upgrade.Output}");
        Assert.Contains("template-upgrade: 2 merged, 1 added, 1 removed, 1 kept, 1 conflicted", upgrade.StandardOutput, StringComparison.Ordinal);
        var makefile = repository.Read("Makefile");
        Assert.Contains($"<<<<<<< yours\n{TeamLogTail}\n=======\n{TemplateLogTail}\n>>>>>>> template {Releases.New}", makefile, StringComparison.Ordinal);
        var program = repository.Read("src/Orders.Api/Program.cs");
        Assert.Contains(TeamHealthLine, program, StringComparison.Ordinal);
        Assert.Contains(TemplateMapLine, program, StringComparison.Ordinal);
        Assert.Contains("\"CheckTimeout\": \"00:00:05\"", repository.Read("src/Orders.Api/appsettings.json"), StringComparison.Ordinal);
        Assert.Equal("# Our notes\n", repository.Read("docs/team-notes.md"));
        Assert.EndsWith("Our addendum.\n", repository.Read("docs/architecture.md"), StringComparison.Ordinal);
        Assert.False(repository.Exists("docs/troubleshooting.md"), "the template dropped it and the team never changed it");
        Assert.False(repository.Exists(".devcontainer/devcontainer.json"), "the team deleted it and the template did not change it");
        Assert.True(File.GetUnixFileMode(repository.PathOf(NewScript)).HasFlag(UnixFileMode.UserExecute), $"{NewScript} is added executable");
        Assert.Contains($"\"packVersion\": \"{Releases.New}\"", repository.Read("thereview.json"), StringComparison.Ordinal);
        Figures.Report($"upgrade {Releases.Old} -> {Releases.New}: {upgrade.StandardOutput.Trim().Split('\n')[^1]}");

        // The team resolves the conflict with the template's line, commits, and the result builds and passes its tests.
        await File.WriteAllTextAsync(repository.PathOf("Makefile"), ResolveWithTemplate(makefile));
        await PackRelease.CommitAsync(repository, "Upgrade to the newer template");
        var upgraded = new GeneratedRepository(repository.Directory, Scenario.Default);
        Figures.Report($"upgraded repository: {await upgraded.BuildAndPassOwnTestsAsync()}");

        var before = PackRelease.Checksum(repository);
        var again = (await PackRelease.MakeAsync(repository, releases.Feed, "template-upgrade")).EnsureSuccess();

        Assert.Contains("template-upgrade: 0 merged, 0 added, 0 removed, 0 kept, 0 conflicted", again.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before, PackRelease.Checksum(repository));
        Assert.Equal(string.Empty, (await PackRelease.GitAsync(repository, "status", "--porcelain")).EnsureSuccess().StandardOutput);
    }

    [Fact]
    public async Task Changing_an_answer_through_an_upgrade_leaves_what_a_fresh_generation_with_it_would_write()
    {
        var repository = await PackRelease.GenerateAsync(releases.Feed, Releases.Old, Scenario.Default);
        var withoutRedis = await PackRelease.GenerateAsync(releases.Feed, Releases.Old, new Scenario("no-redis", "Orders", ["--redis", "false"]));

        var upgrade = (await PackRelease.MakeAsync(repository, releases.Feed, "template-upgrade", $"version={Releases.Old}", "redis=false")).EnsureSuccess();

        Assert.Equal(withoutRedis.Files.Where(file => !file.StartsWith(".git/", StringComparison.Ordinal)),
            repository.Files.Where(file => !file.StartsWith(".git/", StringComparison.Ordinal)));
        Assert.All(withoutRedis.Files.Where(file => !file.StartsWith(".git/", StringComparison.Ordinal)),
            file => Assert.True(withoutRedis.Read(file) == repository.Read(file), $"{file} differs from a fresh --redis false generation"));
        Assert.DoesNotContain(repository.Files, file => file.Contains("redis", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("\"redis\": false", repository.Read("thereview.json"), StringComparison.Ordinal);
        Figures.Report($"redis=false: {upgrade.StandardOutput.Trim().Split('\n')[^1]}");

        var upgraded = new GeneratedRepository(repository.Directory, withoutRedis.Scenario);
        Figures.Report($"after redis=false: {await upgraded.BuildAndPassOwnTestsAsync()}");
    }

    [Fact]
    public async Task Template_check_fails_when_a_newer_pack_exists_or_template_files_drifted()
    {
        var behind = await PackRelease.GenerateAsync(releases.Feed, Releases.Old, Scenario.Default);
        var current = await PackRelease.GenerateAsync(releases.Feed, Releases.New, Scenario.Default);

        var behindCheck = await PackRelease.MakeAsync(behind, releases.Feed, "template-check");
        var currentCheck = (await PackRelease.MakeAsync(current, releases.Feed, "template-check")).EnsureSuccess();
        Edit(current, "README.md", "## More", "## More of ours");
        File.Delete(current.PathOf("docs/operations.md"));
        var driftCheck = await PackRelease.MakeAsync(current, releases.Feed, "template-check");

        Assert.True(behindCheck.ExitCode != 0, behindCheck.Output);
        Assert.Contains($"behind: generated with {Releases.Old}, {Releases.New} is available", behindCheck.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("template-check: 0 finding(s)", currentCheck.StandardOutput, StringComparison.Ordinal);
        Assert.True(driftCheck.ExitCode != 0, driftCheck.Output);
        Assert.Contains("drift: README.md (changed since generation)", driftCheck.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("drift: docs/operations.md (deleted)", driftCheck.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("template-check: 2 finding(s)", driftCheck.StandardOutput, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "unknown option", "unknown option 'colour'" },
        { "unknown value", "the template refused these answers" },
        { "no thereview.json", "no thereview.json here" },
        { "version no feed has", "could not install TheReview.Templates::0.0.7" },
        { "uncommitted changes", "the working tree has uncommitted changes" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Bad_input_is_refused_with_a_message_naming_it_and_nothing_changes(string mistake, string message)
    {
        var repository = await PackRelease.GenerateAsync(releases.Feed, Releases.Old, Scenario.Default);
        string[] variables = mistake switch
        {
            "unknown option" => ["colour=red"],
            "unknown value" => ["redis=maybe"],
            _ => [],
        };
        switch (mistake)
        {
            case "no thereview.json":
                File.Delete(repository.PathOf("thereview.json"));
                await PackRelease.CommitAsync(repository, "No record");
                break;
            case "version no feed has":
                Edit(repository, "thereview.json", $"\"packVersion\": \"{Releases.Old}\"", "\"packVersion\": \"0.0.7\"");
                await PackRelease.CommitAsync(repository, "Unknown version");
                break;
            case "uncommitted changes":
                await File.AppendAllTextAsync(repository.PathOf("README.md"), "\nWork in progress.\n");
                break;
        }

        var before = PackRelease.Checksum(repository);

        var upgrade = await PackRelease.MakeAsync(repository, releases.Feed, "template-upgrade", variables);

        Assert.True(upgrade.ExitCode != 0, $"{mistake} must be refused:\n{upgrade.Output}");
        Assert.Contains(message, upgrade.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, PackRelease.Checksum(repository));
        Figures.Report($"{mistake}: {upgrade.StandardError.Split('\n').First(line => line.StartsWith("error:", StringComparison.Ordinal))}");
    }

    private static void Edit(GeneratedRepository repository, string file, string from, string to)
    {
        var text = File.ReadAllText(repository.PathOf(file));
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(repository.PathOf(file), text.Replace(from, to, StringComparison.Ordinal));
    }

    private static string ResolveWithTemplate(string text)
    {
        var start = text.IndexOf("<<<<<<< yours\n", StringComparison.Ordinal);
        var end = text.IndexOf('\n', text.IndexOf(">>>>>>> template", start, StringComparison.Ordinal)) + 1;
        return text[..start] + TemplateLogTail + "\n" + text[end..];
    }

    /// <summary>The two releases, packed once for the class.</summary>
    public sealed class Releases : IAsyncLifetime
    {
        public const string Old = "0.9.0";
        public const string New = "0.9.1";

        public string Feed { get; } = PackPaths.NewTempDirectory("feed");

        public async ValueTask InitializeAsync()
        {
            await PackRelease.PackAsync(Feed, Old);
            await PackRelease.PackAsync(Feed, New, template =>
            {
                Replace(template, "Makefile", "\t$(DEV) logs -f --tail=100", TemplateLogTail);
                Replace(template, "src/TheReview.Backend.Api/Program.cs", "    app.MapFeatures();", TemplateMapLine);
                File.WriteAllText(Path.Combine(template, NewScript), "#!/usr/bin/env bash\n# Prints the pack version this repository follows.\nsed -n 's/.*\"packVersion\": \"\\([^\"]*\\)\".*/\\1/p' thereview.json\n");
                File.Delete(Path.Combine(template, "docs/troubleshooting.md"));
                File.Delete(Path.Combine(template, "docs/architecture.md"));
            });
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(Feed, recursive: true);
            return ValueTask.CompletedTask;
        }

        private static void Replace(string template, string file, string from, string to)
        {
            var path = Path.Combine(template, file);
            var text = File.ReadAllText(path);
            Assert.Contains(from, text, StringComparison.Ordinal);
            File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
