using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(TheReview.Templates.Tests.Infrastructure.RunOrder))]
[assembly: TestClassOrderer(typeof(TheReview.Templates.Tests.Infrastructure.RunOrder))]

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The order the suite runs in, instead of xunit's random one. Two collections run at a time (one per core), and
/// each holds its slot until its last test. The three serial collections are most of the run, so they start
/// first: started last, one of them made the run as long as everything else plus itself (46 to 51 minutes).
/// The builds start at once; the running services go before the production stack, which waits for the
/// stand-in images that <c>.ci/run</c> builds meanwhile. Inside a collection, classes go by tier (the Build
/// tier's before the Containers tier's, which also wait for those images), then by name.
/// </summary>
public sealed class RunOrder : ITestCollectionOrderer, ITestClassOrderer
{
    private static readonly string[] SerialFirst = [SerialBuilds.Name, RunningServices.Name, ProductionDeployment.Name];

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : notnull, ITestCollection =>
        [.. testCollections
            .OrderBy(collection => Rank(SerialFirst, collection.TestCollectionDisplayName))
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
