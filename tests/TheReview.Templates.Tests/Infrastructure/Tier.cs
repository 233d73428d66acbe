using Xunit.v3;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The proof pyramid. Each spec class lives in <c>Specs/&lt;tier&gt;/</c> and carries the trait
/// <c>Tier=&lt;tier&gt;</c>, so <c>tests/run --tier NAME</c> and the pack's CI jobs run one tier at a time.
/// </summary>
public static class Tier
{
    public const string TraitName = "Tier";

    /// <summary>Files and the official tools that read them: no build, no running service.</summary>
    public const string Static = nameof(Static);

    /// <summary>Generated repositories built with warnings as errors, running their own tests.</summary>
    public const string Build = nameof(Build);

    /// <summary>The built API as a process against real PostgreSQL and Redis.</summary>
    public const string Process = nameof(Process);

    /// <summary>Images built and run in containers, and the development stack under compose.</summary>
    public const string Containers = nameof(Containers);

    /// <summary>The production stack under Swarm and compose: deploys, updates, rollbacks, backups.</summary>
    public const string Stack = nameof(Stack);

    /// <summary>Cheapest first: the order tests/run lists them and CI runs them.</summary>
    public static IReadOnlyList<string> All { get; } = [Static, Build, Process, Containers, Stack];
}

/// <summary>Puts a spec class in a tier: <c>[Tier(Tier.Static)]</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TierAttribute(string name) : Attribute, ITraitAttribute
{
    public string Name { get; } = name;

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new(Tier.TraitName, Name)];
}
