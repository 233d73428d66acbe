namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>Builds and running services share the two cores: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialBuilds
{
    public const string Name = "builds";
}

/// <summary>The Process tier: one pair of builds and one PostgreSQL and Redis for all its classes, one test at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunningServices : ICollectionFixture<RunningServiceFixture>
{
    public const string Name = "running services";
}

/// <summary>
/// The specs that share one deployed production stack. They mostly wait on Swarm, so they run beside the Static tier
/// (first, holding one more slot than the cores: xunit.runner.json); their zero-failure windows have the cores alone
/// (<see cref="QuietCores"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProductionDeployment : ICollectionFixture<SwarmDeployment>
{
    public const string Name = "production stack";
}
