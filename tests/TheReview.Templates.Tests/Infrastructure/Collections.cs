namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The Build tier and the Containers tier: builds, images and containers of generated repositories, one at a time,
/// beside the production stack and the Static tier (<see cref="RunOrder"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class Builds
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
/// The specs that share one deployed production stack. They mostly wait on Swarm, so they run beside the builds and
/// the Static tier (first: <see cref="RunOrder"/>); their zero-failure windows have the cores alone
/// (<see cref="QuietCores"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProductionDeployment : ICollectionFixture<SwarmDeployment>
{
    public const string Name = "production stack";
}
