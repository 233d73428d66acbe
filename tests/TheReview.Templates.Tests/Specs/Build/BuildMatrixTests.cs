namespace TheReview.Templates.Tests.Specs.Build;

/// <summary>Each cell of the pairwise option matrix builds with warnings as errors and passes its own tests.</summary>
[Collection(Builds.Name)]
[Tier(Tier.Build)]
public sealed class BuildMatrixTests(TemplateHive hive)
{
    [Fact]
    public void The_matrix_covers_every_pair_of_option_values()
    {
        var missing = PairwiseMatrix.RequiredPairs()
            .Where(pair => !PairwiseMatrix.Cells.Any(cell =>
                PairwiseMatrix.ValueOf(cell, PairwiseMatrix.Factors[pair.A].Option) == pair.ValueA &&
                PairwiseMatrix.ValueOf(cell, PairwiseMatrix.Factors[pair.B].Option) == pair.ValueB))
            .ToList();

        Assert.Empty(missing);
        Assert.InRange(PairwiseMatrix.Cells.Count, 6, 10);
    }

    [Theory]
    [MemberData(nameof(PairwiseMatrix.CellIds), MemberType = typeof(PairwiseMatrix))]
    public async Task Cell_builds_without_warnings_and_passes_its_own_tests(string cell)
    {
        var repository = await hive.InstantiateAsync(PairwiseMatrix.ById(cell));

        Figures.Report($"{cell}: {await repository.BuildAndPassOwnTestsAsync()}");
    }

    /// <summary>
    /// The switch the generated CI sets must fail the run when a datastore it names is unreachable, here
    /// MongoDB when THEREVIEW_TEST_MONGODB names no server, and refuse a name it does not know.
    /// </summary>
    [Theory]
    [InlineData("all", "MongoDB is unavailable")]
    [InlineData("postgres,mongo", "MongoDB is unavailable")]
    [InlineData("postgres,redis,mogno", "names mogno, which this service does not have")]
    public async Task The_require_switch_fails_the_generated_tests_for_an_unreachable_datastore_it_names(string value, string expected)
    {
        var cell = PairwiseMatrix.Cells.First(c => c.Has("postgres") && c.Has("mongo") && c.Has("redis") && c.Has("sample"));
        var repository = await hive.InstantiateAsync(cell);
        (await repository.BuildAsync()).EnsureSuccess();

        var tests = await repository.TestAsync(new Dictionary<string, string?>
        {
            [TestServices.PostgresVariable] = TestServices.Postgres,
            [TestServices.RedisVariable] = TestServices.Redis,
            // No server named: the fixture tries a Testcontainers MongoDB, which cannot start without its image.
            [TestServices.MongoVariable] = "",
            ["THEREVIEW_TEST_REQUIRE_DATASTORES"] = value,
        }, "--filter-class", "*ReviewActivityTests");

        Assert.NotEqual(0, tests.ExitCode);
        Assert.Contains(expected, tests.StandardOutput, StringComparison.Ordinal);
    }
}
