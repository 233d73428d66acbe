namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// What the template writes, approved file by file: the default repository whole, every other scenario as
/// its file list and its differences from the default (a template change shows once, in the default), and
/// the console output of <c>dotnet new</c>.
/// </summary>
[Tier(Tier.Static)]
public sealed class SnapshotTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Generated_repository_matches_the_approved_snapshot(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        if (repository.Scenario.DiffersFromDefaultByOptionsOnly)
        {
            Snapshot.VerifyDifferences(repository, await hive.InstantiateAsync(Scenario.Default));
        }
        else
        {
            Snapshot.VerifyTree(repository);
        }
    }

    [Fact]
    public async Task Dotnet_new_prints_the_result_and_the_next_steps_and_no_run_of_blank_lines()
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scenario in Scenario.Snapshotted)
        {
            outputs[$"{scenario.Id}.txt"] = Snapshot.Scrub((await hive.InstantiateAsync(scenario)).NewOutput);
        }

        Assert.All(outputs, output => Assert.DoesNotContain("\n\n\n\n", output.Value, StringComparison.Ordinal));
        Assert.All(outputs, output => Assert.Contains("Next: ", output.Value, StringComparison.Ordinal));
        Snapshot.Verify("dotnet-new", outputs);
    }
}
