using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>Just enough PromQL reading to list the metric names that dashboards and alert rules query.</summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "sum", "min", "max", "avg", "count", "topk", "bottomk", "rate", "irate", "increase", "delta", "histogram_quantile",
        "absent", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
        "clamp_min", "clamp_max", "abs", "time", "vector", "scalar", "label_replace", "sort", "sort_desc",
    };

    /// <summary>Every query of the generated dashboards and alert rules, with where it comes from.</summary>
    public static IEnumerable<(string Source, string Expression)> Queries(GeneratedRepository repository)
    {
        foreach (var file in repository.Files.Where(f => f.StartsWith("deploy/grafana/dashboards/", StringComparison.Ordinal)))
        {
            using var dashboard = JsonDocument.Parse(repository.Read(file));
            foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    yield return ($"{file} ({panel.GetProperty("title").GetString()})", target.GetProperty("expr").GetString()!);
                }
            }
        }

        var rules = new YamlStream();
        rules.Load(new StringReader(repository.Read("deploy/prometheus/alerts.yml")));
        foreach (YamlMappingNode group in (YamlSequenceNode)((YamlMappingNode)rules.Documents[0].RootNode)["groups"])
        {
            foreach (YamlMappingNode rule in (YamlSequenceNode)group["rules"])
            {
                yield return ($"alerts.yml ({rule["alert"]})", ((YamlScalarNode)rule["expr"]).Value!);
            }
        }
    }

    /// <summary>The metric names an expression reads: identifiers that are not functions, keywords or labels.</summary>
    public static IEnumerable<string> MetricNames(string expression)
    {
        var stripped = LabelMatchers().Replace(expression, " ");
        stripped = Grouping().Replace(stripped, " ");
        stripped = RangeSelector().Replace(stripped, " ");
        stripped = Strings().Replace(stripped, " ");
        return Identifier().Matches(stripped).Select(m => m.Value).Where(name => !Keywords.Contains(name)).Distinct();
    }

    /// <summary>The metric names in a Prometheus text exposition.</summary>
    public static IEnumerable<string> ExportedNames(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => ExposedName().Match(line).Value)
            .Where(name => name.Length > 0)
            .Distinct();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w(]*\()")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex ExposedName();
}
