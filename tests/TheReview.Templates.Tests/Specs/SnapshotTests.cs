namespace TheReview.Templates.Tests.Specs;

/// <summary>Every file of every snapshotted scenario equals its approved snapshot.</summary>
public sealed class SnapshotTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Generated_repository_matches_the_approved_snapshot(string scenario) =>
        Snapshot.Verify(await hive.InstantiateAsync(Scenario.ById(scenario)));
}
