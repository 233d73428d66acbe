using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(TheReview.Templates.Tests.Infrastructure.RunOrder))]
[assembly: TestClassOrderer(typeof(TheReview.Templates.Tests.Infrastructure.RunOrder))]

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The order the suite runs in, instead of xunit's order by unique id. xunit runs the collections that allow
/// parallelization first, as many at a time as xunit.runner.json allows, each holding its slot until it ends, and
/// then the serial collection (the running services) alone. The production stack goes first, as it mostly waits on
/// Swarm, then the builds, the longest, which wait on containers and images often; the Static tier's classes fill
/// the slots left. Inside a collection, classes go by tier (the Build tier's before the Containers tier's, which
/// wait for the stand-in images), then by name, so that a run's order, and its time per class, is the same from
/// run to run.
/// </summary>
public sealed class RunOrder : ITestCollectionOrderer, ITestClassOrderer
{
    private static readonly string[] Collections = [ProductionDeployment.Name, Builds.Name, RunningServices.Name];

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : notnull, ITestCollection =>
        [.. testCollections
            .OrderBy(collection => Rank(Collections, collection.TestCollectionDisplayName))
            .ThenBy(collection => collection.TestCollectionDisplayName, StringComparer.Ordinal)];

    public IReadOnlyCollection<TTestClass?> OrderTestClasses<TTestClass>(IReadOnlyCollection<TTestClass?> testClasses)
        where TTestClass : notnull, ITestClass =>
        [.. testClasses
            .OrderBy(testClass => Rank(Tier.All, TierOf(testClass?.TestClassName)))
            .ThenBy(testClass => testClass?.TestClassName, StringComparer.Ordinal)];

    private static int Rank(IReadOnlyList<string> order, string? name)
    {
        var index = name is null ? -1 : order.ToList().IndexOf(name);
        return index < 0 ? order.Count : index;
    }

    // Specs live in TheReview.Templates.Tests.Specs.<Tier>.<Class>.
    private static string? TierOf(string? className) =>
        className?.Split('.') is [.., "Specs", var tier, _] ? tier : null;
}
