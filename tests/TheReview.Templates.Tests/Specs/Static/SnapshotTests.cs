using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// What the template writes, approved file by file: the default repository whole, every other scenario as
/// its file list and its differences from the default (a template change shows once, in the default), and
/// the console output of <c>dotnet new</c>.
/// </summary>
[Tier(Tier.Static)]
public sealed partial class SnapshotTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Generated_repository_matches_the_approved_snapshot(string scenario)
    {
        // The hive shares one repository between scenarios of the same name and options, under the first one's id:
        // the snapshot is named after the scenario asked for, whichever spec generated it first.
        var requested = Scenario.ById(scenario);
        var repository = await hive.InstantiateAsync(requested);

        if (requested.DiffersFromDefaultByOptionsOnly)
        {
            Snapshot.VerifyDifferences(requested.Id, repository, await hive.InstantiateAsync(Scenario.Default));
        }
        else
        {
            Snapshot.VerifyTree(requested.Id, repository);
        }
    }

    [Fact]
    public async Task Dotnet_new_prints_the_result_and_the_next_steps_and_no_run_of_blank_lines()
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scenario in Scenario.Snapshotted)
        {
            outputs[$"{scenario.Id}.txt"] = Snapshot.Scrub(CacheWarning().Replace((await hive.InstantiateAsync(scenario)).NewOutput, string.Empty));
        }

        Assert.All(outputs, output => Assert.DoesNotContain("\n\n\n\n", output.Value, StringComparison.Ordinal));
        Assert.All(outputs, output => Assert.Contains("Next: ", output.Value, StringComparison.Ordinal));
        Snapshot.Verify("dotnet-new", outputs);
    }

    // The specs share one template cache and may write it at the same moment; the engine's warning about that
    // concerns the test run, not the template's output.
    [GeneratedRegex(@"^Warning: Failed to store template cache.*\n(Template cache will be recreated on the next run\.\n)?", RegexOptions.Multiline)]
    private static partial Regex CacheWarning();
}
