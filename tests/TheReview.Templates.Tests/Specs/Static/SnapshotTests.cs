namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>Every file of every snapshotted scenario equals its approved snapshot.</summary>
[Tier(Tier.Static)]
public sealed class SnapshotTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Generated_repository_matches_the_approved_snapshot(string scenario) =>
        Snapshot.Verify(await hive.InstantiateAsync(Scenario.ById(scenario)));
}
