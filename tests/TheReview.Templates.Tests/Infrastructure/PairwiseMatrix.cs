namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// A pairwise (all-pairs) matrix over the options that change what is compiled: every value of every option
/// meets every value of every other option in at least one cell, in far fewer cells than all combinations.
/// </summary>
public static class PairwiseMatrix
{
    /// <summary>The options that change what is compiled, with every value template.json allows.</summary>
    public static readonly IReadOnlyList<(string Option, string[] Values)> Factors =
        [.. new[] { "postgres", "mongo", "redis", "sample", "setup", "auth" }.Select(name => (name, TemplateOption.ByLongName(name).Values.ToArray()))];

    public static IReadOnlyList<Scenario> Cells { get; } = Build();

    /// <summary>The value a cell gives an option: its own, or the template's default when it gives none.</summary>
    public static string ValueOf(Scenario cell, string option) => cell.ValueOf(TemplateOption.ByLongName(option));

    public static TheoryData<string> CellIds => [.. Cells.Select(c => c.Id)];

    public static Scenario ById(string id) => Cells.Single(c => c.Id == id);

    /// <summary>Every pair of (option, value) assignments that a complete matrix must contain.</summary>
    public static IEnumerable<(int A, string ValueA, int B, string ValueB)> RequiredPairs() =>
        from a in Enumerable.Range(0, Factors.Count)
        from b in Enumerable.Range(a + 1, Factors.Count - a - 1)
        from valueA in Factors[a].Values
        from valueB in Factors[b].Values
        select (a, valueA, b, valueB);

    private static List<Scenario> Build()
    {
        var uncovered = RequiredPairs().ToHashSet();
        var candidates = Factors.Aggregate(
            new List<string[]> { Array.Empty<string>() },
            (rows, factor) => [.. rows.SelectMany(row => factor.Values.Select(value => row.Append(value).ToArray()))]);
        var cells = new List<Scenario>();
        while (uncovered.Count > 0)
        {
            // Greedy and deterministic: the first candidate that covers the most pairs still missing.
            var best = candidates.MaxBy(row => uncovered.Count(pair => row[pair.A] == pair.ValueA && row[pair.B] == pair.ValueB))!;
            uncovered.RemoveWhere(pair => best[pair.A] == pair.ValueA && best[pair.B] == pair.ValueB);
            candidates.Remove(best);
            cells.Add(ToScenario(best));
        }

        return cells;
    }

    private static Scenario ToScenario(string[] values)
    {
        // The cell of every default is the default repository, which the running-service specs build anyway:
        // one instantiation and one build serve both.
        if (Factors.Select((factor, i) => TemplateOption.ByLongName(factor.Option).Default == values[i]).All(isDefault => isDefault))
        {
            return Scenario.Default;
        }

        var id = "matrix-" + string.Join('-', Factors.Select((factor, i) => factor.Values is ["true", "false"]
            ? (values[i] == "true" ? factor.Option : "no" + factor.Option)
            : values[i]));
        var options = Factors.SelectMany((factor, i) => new[] { $"--{factor.Option}", values[i] }).ToList();
        return new Scenario(id, "Orders", options);
    }
}
