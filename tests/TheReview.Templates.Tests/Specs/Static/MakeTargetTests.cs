namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>The Makefile of each scenario: every target described and valid, and the ones that take input refusing bad input first.</summary>
[Tier(Tier.Static)]
public sealed class MakeTargetTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Every_make_target_in_help_has_a_description_and_a_valid_recipe(string scenario)
    {
        var make = Tools.Make;
        var definition = Scenario.ById(scenario);
        var repository = await hive.InstantiateAsync(definition);

        var targets = await repository.MakeTargetsAsync();

        Assert.InRange(targets.Count, definition == Scenario.Default ? 30 : 12, 100);
        foreach (var (target, description) in targets)
        {
            Assert.False(string.IsNullOrWhiteSpace(description), $"{target} has no description");
            (await repository.RunAsync(make, "-n", target, "n=3", "name=Example", "file=backups/example")).EnsureSuccess();
        }

        Assert.Equal(targets.Keys.Order(), targets.Keys.Order().Distinct());
        // make help groups the targets under the Makefile's own section headings.
        var help = (await repository.RunAsync(make, "help")).EnsureSuccess().StandardOutput;
        var headings = repository.Read("Makefile").Split('\n').Where(line => line.StartsWith("##@ ", StringComparison.Ordinal)).Select(line => line[4..]).ToList();
        Assert.NotEmpty(headings);
        Assert.All(headings, heading => Assert.Contains($"\u001b[1m{heading}\u001b[0m\n", help, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_default_makefile_has_every_target_the_design_names()
    {
        var targets = await (await hive.InstantiateAsync(Scenario.Default)).MakeTargetsAsync();

        Assert.All(
            new[]
            {
                "help", "dev-up", "dev-down", "dev-logs", "dev-shell", "db-migrate", "db-psql", "db-mongo", "db-redis", "test", "lint",
                "lint-fix", "build", "build-prod", "prod-up", "prod-down", "prod-deploy", "prod-scale", "prod-rollback", "health",
                "backup-postgres", "backup-mongo", "backup-redis", "restore-postgres", "restore-mongo", "restore-redis", "certs", "secrets", "clean",
            },
            target => Assert.True(targets.ContainsKey(target), $"make {target} is missing"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("n=abc")]
    [InlineData("n=0")]
    [InlineData("n=-2")]
    public async Task Prod_scale_without_a_whole_number_prints_usage_and_changes_nothing(string argument)
    {
        var make = Tools.Make;
        var repository = await hive.InstantiateAsync(Scenario.Default);

        var result = await repository.RunAsync(make, [.. new[] { "prod-scale", argument }.Where(a => a.Length > 0)]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("usage: make prod-scale n=NUMBER", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("docker service", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_openapi_lint_without_the_document_says_to_write_it_and_installs_nothing()
    {
        var repository = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        File.Delete(repository.PathOf("openapi/v1.json"));

        var result = await repository.RunAsync(Tools.Make, "openapi-lint");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error: no openapi/v1.json: run make openapi (and commit it) first", result.StandardError, StringComparison.Ordinal);
        Assert.False(repository.Exists("tools/openapi/node_modules"), "the linters were installed before the missing document was noticed");
    }

    /// <summary>Without the Kiota tool restored (a fresh machine), make client says how to get it.</summary>
    [Fact]
    public async Task Make_client_without_the_kiota_tool_restored_says_how_to_restore_it_and_writes_nothing()
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);

        // A package cache and a tool-resolution cache (under the CLI's home) that have never seen the tool.
        var result = await repository.RunAsync(
            new Dictionary<string, string?>
            {
                ["NUGET_PACKAGES"] = PackPaths.NewTempDirectory("empty-nuget-cache"),
                ["DOTNET_CLI_HOME"] = PackPaths.NewTempDirectory("empty-cli-home"),
            }, Tools.Make, "client");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error: the Kiota tool is not restored: run 'dotnet tool restore' (or make tools)", result.StandardError, StringComparison.Ordinal);
        Assert.False(repository.Exists("artifacts"), "make client wrote artifacts without its tool");
    }

    [Theory]
    [InlineData("scripts/restore-postgres.sh", ScriptTools.Gnu)]
    [InlineData("scripts/restore-redis.sh", ScriptTools.Gnu)]
    [InlineData("scripts/restore-mongo.sh", ScriptTools.Gnu)]
    [InlineData("scripts/restore-postgres.sh", ScriptTools.Busybox)]
    [InlineData("scripts/restore-redis.sh", ScriptTools.Busybox)]
    [InlineData("scripts/restore-mongo.sh", ScriptTools.Busybox)]
    public async Task A_restore_from_a_missing_file_fails_before_touching_anything(string script, string tools)
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);

        var result = await repository.RunAsync(await ScriptTools.EnvironmentAsync(tools), repository.PathOf(script), "backups/does-not-exist");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("does not exist; nothing was changed", result.Output, StringComparison.Ordinal);
    }
}
