using System.Reflection;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// The proof pyramid is the layout: every spec class sits in <c>Specs/&lt;tier&gt;/</c>, in the namespace
/// of that folder, with the trait of the same name, and <c>tests/run --tier</c> refuses a tier that is not there.
/// </summary>
[Tier(Tier.Static)]
public sealed class TestLayoutTests
{
    private static readonly string SpecsDirectory = Path.Combine(PackPaths.Root, "tests", "TheReview.Templates.Tests", "Specs");

    public static TheoryData<string> SpecClasses => [.. SpecTypes().Select(type => type.Name)];

    [Fact]
    public void The_tier_folders_are_the_tiers()
    {
        Assert.Equal(Tier.All.Order(StringComparer.Ordinal), Directory.GetDirectories(SpecsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(SpecsDirectory));
    }

    [Theory]
    [MemberData(nameof(SpecClasses))]
    public void A_spec_class_sits_in_the_folder_of_its_tier_and_carries_its_trait(string specClass)
    {
        var type = SpecTypes().Single(t => t.Name == specClass);
        var tier = type.GetCustomAttribute<TierAttribute>()?.Name;

        Assert.NotNull(tier);
        Assert.Contains(tier, Tier.All);
        Assert.Equal($"TheReview.Templates.Tests.Specs.{tier}", type.Namespace);
        Assert.True(File.Exists(Path.Combine(SpecsDirectory, tier, type.Name + ".cs")), $"{type.Name} is not in Specs/{tier}/");
    }

    [Theory]
    [InlineData("Nope")]
    [InlineData("")]
    public async Task Tests_run_with_an_unknown_tier_lists_the_tiers_and_fails_before_running_anything(string tier)
    {
        var run = await Shell.RunAsync(Path.Combine(PackPaths.Root, "tests", "run"), tier.Length == 0 ? ["--tier"] : ["--tier", tier], PackPaths.Root);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"unknown tier '{tier}'", run.StandardError, StringComparison.Ordinal);
        Assert.All(Tier.All, name => Assert.Contains($"  {name}\n", run.StandardError, StringComparison.Ordinal));
        Assert.DoesNotContain("Test run summary", run.StandardOutput, StringComparison.Ordinal);
    }

    // Every class with a test method, wherever it is: a spec outside Specs/ or without a tier is caught too.
    private static IEnumerable<Type> SpecTypes() =>
        typeof(TestLayoutTests).Assembly.GetTypes()
            .Where(type => type.GetMethods().Any(method => method.GetCustomAttribute<FactAttribute>() is not null))
            .OrderBy(type => type.Name, StringComparer.Ordinal);
}
