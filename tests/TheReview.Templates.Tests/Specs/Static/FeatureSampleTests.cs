using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// The reviews sample teaches one design: it is what <c>make feature name=Reviews</c> writes. A repository without
/// the sample gets the feature from the item template; every file it writes is the sample's, byte for byte, except
/// the two that hold a feature's own fields (the entity and its contracts), which declare the same types. The
/// stores' parts (<c>*.Mongo.cs</c>, <c>*.Redis.cs</c>) come and go with the stores, in both.
/// </summary>
[Tier(Tier.Static)]
public sealed partial class FeatureSampleTests(TemplateHive hive)
{
    private static readonly string[] OwnFields = ["Review.cs", "ReviewContracts.cs"];

    public static TheoryData<string> Stores => ["default", "postgres-only"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_sample_is_what_make_feature_writes_for_Reviews(string scenario)
    {
        var withSample = await hive.InstantiateAsync(Scenario.ById(scenario));
        var options = Scenario.ById(scenario).Options;
        var withoutSample = (await hive.InstantiateAsync(new Scenario($"{scenario}-no-sample", "Orders", [.. options, "--sample", "false"]))).Copy();

        (await hive.AddFeatureAsync(withoutSample, "Reviews")).EnsureSuccess();

        var sample = FeatureFiles(withSample);
        var feature = FeatureFiles(withoutSample);
        Assert.Equal(sample.Keys.Order(StringComparer.Ordinal), feature.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, text) in sample)
        {
            if (OwnFields.Contains(file))
            {
                Assert.Equal(DeclaredTypes(text), DeclaredTypes(feature[file]));
            }
            else
            {
                Assert.True(text == feature[file], $"{file} differs between the sample and make feature name=Reviews");
            }
        }

        Figures.Report($"{scenario}: {sample.Count} files, {sample.Count - OwnFields.Length} identical: {string.Join(", ", sample.Keys.Order(StringComparer.Ordinal))}");
    }

    private static Dictionary<string, string> FeatureFiles(GeneratedRepository repository) =>
        repository.Files.Where(file => file.StartsWith("src/Orders.Api/Features/Reviews/", StringComparison.Ordinal))
            .ToDictionary(file => file[(file.LastIndexOf('/') + 1)..], repository.Read, StringComparer.Ordinal);

    private static List<string> DeclaredTypes(string source) =>
        [.. TypeDeclaration().Matches(source).Select(match => match.Value)];

    [GeneratedRegex(@"\b(class|record|interface|enum) \w+")]
    private static partial Regex TypeDeclaration();
}
