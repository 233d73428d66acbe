namespace TheReview.Templates.Tests.Specs.Build;

/// <summary>
/// <c>make feature name=Invoices</c> (the thereview-feature item template of the recorded pack version, then its
/// migration) adds a feature the way the reviews sample is built, with the stores the repository has. Outside a
/// generated repository the item template refuses and writes nothing.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Build)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FeatureTemplateTests(FeatureTemplateTests.Release release) : IClassFixture<FeatureTemplateTests.Release>
{
    private const string Feature = "src/Orders.Api/Features/Invoices";

    public static TheoryData<string, string[]> Repositories => new()
    {
        { "default", [] },
        { "no-redis-no-mongo", ["--redis", "false", "--mongo", "false"] },
    };

    [Theory]
    [MemberData(nameof(Repositories))]
    public async Task A_feature_builds_passes_its_tests_with_the_repositorys_stores_and_upgrades_still_work(string name, string[] options)
    {
        var repository = await PackRelease.GenerateAsync(release.Feed, Release.Version, new Scenario(name, "Orders", options));

        var added = (await PackRelease.MakeAsync(repository, release.Feed, "feature", "name=Invoices")).EnsureSuccess();

        Assert.Contains("template-feature: Invoices added", added.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("namespace Orders.Api.Features.Invoices;", repository.Read($"{Feature}/Invoice.cs"), StringComparison.Ordinal);
        Assert.Contains("item.ToTable(\"invoices\");", repository.Read($"{Feature}/Invoice.cs"), StringComparison.Ordinal);
        Assert.Contains("MapGroup(\"/api/invoices\")", repository.Read($"{Feature}/InvoiceEndpoints.cs"), StringComparison.Ordinal);
        Assert.Contains("title: \"Invoice not found\"", repository.Read($"{Feature}/InvoiceEndpoints.cs"), StringComparison.Ordinal);
        Assert.Contains("class InvoicesApiTests", repository.Read("tests/Orders.Api.Tests/Integration/InvoicesApiTests.cs"), StringComparison.Ordinal);
        Assert.Single(repository.Files, file => file.StartsWith("src/Orders.Api/Datastores/Postgres/Migrations/", StringComparison.Ordinal)
            && file.EndsWith("_AddInvoices.cs", StringComparison.Ordinal));
        Assert.Contains("\"/api/invoices/{id}\"", repository.Read("openapi/v1.json"), StringComparison.Ordinal);
        Assert.Equal(repository.Scenario.Has("redis"), repository.Exists($"{Feature}/InvoiceEndpoints.Redis.cs"));
        Assert.Equal(repository.Scenario.Has("mongo"), repository.Exists($"{Feature}/InvoiceEndpoints.Mongo.cs"));
        Figures.Report($"{name}: {added.StandardOutput.Split('\n').Single(line => line.StartsWith("template-feature:", StringComparison.Ordinal))}");

        Figures.Report($"{name}, the feature's tests: {await repository.BuildAndPassOwnTestsAsync("*InvoicesApiTests")}");
        Figures.Report($"{name}, all tests: {await repository.BuildAndPassOwnTestsAsync()}");

        await PackRelease.CommitAsync(repository, "Invoices");
        var upgrade = (await PackRelease.MakeAsync(repository, release.Feed, "template-upgrade")).EnsureSuccess();
        Assert.Contains("template-upgrade: 0 merged, 0 added, 0 removed, 0 kept, 0 conflicted", upgrade.StandardOutput, StringComparison.Ordinal);
        Assert.True(repository.Exists($"{Feature}/Invoice.cs"), "the upgrade keeps the team's feature");
    }

    [Fact]
    public async Task Outside_a_generated_repository_the_item_template_refuses_and_writes_nothing()
    {
        var empty = PackPaths.NewTempDirectory("no-repository");
        var library = PackPaths.NewTempDirectory("library");
        (await Shell.DotNetAsync(["new", "classlib", "-n", "Library", "-o", library, "--debug:custom-hive", release.Hive])).EnsureSuccess();
        (await Shell.DotNetAsync(["restore", library], library)).EnsureSuccess();
        var libraryFiles = Directory.GetFiles(library, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        foreach (var directory in new[] { empty, library })
        {
            var refused = await Shell.DotNetAsync(["new", "thereview-feature", "-n", "Invoices", "--debug:custom-hive", release.Hive], directory);

            Assert.True(refused.ExitCode != 0, refused.Output);
            Assert.Contains("the following constraints are not met", refused.Output, StringComparison.Ordinal);
            Figures.Report($"{Path.GetFileName(directory)}: {refused.Output.Split('\n').Single(line => line.Contains("Project capabilities:", StringComparison.Ordinal)).Trim()}");
        }

        Assert.Empty(Directory.GetFileSystemEntries(empty));
        Assert.Equal(libraryFiles, Directory.GetFiles(library, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("invoices", "give the feature's name in PascalCase")]
    [InlineData("Reviews", "Features/Reviews exists already")]
    public async Task A_bad_feature_name_is_refused_and_nothing_changes(string name, string message)
    {
        var repository = await PackRelease.GenerateAsync(release.Feed, Release.Version, Scenario.Default);
        var before = PackRelease.Checksum(repository);

        var refused = await PackRelease.MakeAsync(repository, release.Feed, "feature", $"name={name}");

        Assert.True(refused.ExitCode != 0, refused.Output);
        Assert.Contains(message, refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, PackRelease.Checksum(repository));
    }

    [Fact]
    public async Task When_its_migration_fails_the_feature_is_taken_back_and_nothing_changes()
    {
        var repository = await PackRelease.GenerateAsync(release.Feed, Release.Version, new Scenario("migration-taken", "Orders", []));
        (await Shell.DotNetAsync(["restore", repository.SolutionFile], repository.Directory)).EnsureSuccess();
        (await PackRelease.MakeAsync(repository, release.Feed, "db-migration", "name=AddInvoices")).EnsureSuccess();
        await PackRelease.CommitAsync(repository, "The team's own AddInvoices migration");

        var refused = await PackRelease.MakeAsync(repository, release.Feed, "feature", "name=Invoices");

        Assert.True(refused.ExitCode != 0, refused.Output);
        Assert.Contains("The name 'AddInvoices' is used by an existing migration", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("the migration AddInvoices failed (above), so the feature's files were taken back", refused.StandardError, StringComparison.Ordinal);
        Assert.Empty((await PackRelease.GitAsync(repository, "status", "--porcelain", "--untracked-files=all")).EnsureSuccess().StandardOutput.Trim());
        Assert.False(repository.Exists(Feature), "the feature's folder was left behind");
    }

    /// <summary>One release of the pack in a feed folder, and a hive that has it installed.</summary>
    public sealed class Release : IAsyncLifetime
    {
        public const string Version = "0.9.0";

        public string Feed { get; } = PackPaths.NewTempDirectory("feature-feed");

        public string Hive { get; } = PackPaths.NewTempDirectory("feature-hive");

        public async ValueTask InitializeAsync()
        {
            await PackRelease.PackAsync(Feed, Version);
            (await Shell.DotNetAsync(["new", "install", Path.Combine(Feed, $"TheReview.Templates.{Version}.nupkg"), "--debug:custom-hive", Hive])).EnsureSuccess();
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(Feed, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
