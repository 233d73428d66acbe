using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// One option of the template, as template.json and dotnetcli.host.json define it: the harness's only table of
/// options. Scenarios, the pairwise matrix, the documented-options checks and the thereview.json assertions all read
/// names, defaults, choices and "Enabled if" conditions from here, so adding an option to template.json is enough
/// for them to know it (tests/README.md, "Adding an option").
/// </summary>
public sealed partial record TemplateOption(string Symbol, string LongName, string ShortName, string DataType, string Default, IReadOnlyList<string> Values, string? EnabledIf)
{
    public static IReadOnlyList<TemplateOption> All { get; } = Load();

    public bool IsBool => DataType == "bool";

    public static TemplateOption ByLongName(string longName) =>
        All.SingleOrDefault(o => o.LongName == longName) ?? throw new ArgumentException($"--{longName} is not an option of template.json", nameof(longName));

    public static TemplateOption BySymbol(string symbol) =>
        All.SingleOrDefault(o => o.Symbol == symbol) ?? throw new ArgumentException($"{symbol} is not a parameter of template.json", nameof(symbol));

    /// <summary>
    /// Whether the option takes effect, given the values of the others (<c>isEnabled</c>). The conditions in use
    /// compare one option with one value; another form fails here, naming itself, until this reads it.
    /// </summary>
    public bool IsEnabled(Func<TemplateOption, string> valueOf)
    {
        if (EnabledIf is null)
        {
            return true;
        }

        var match = Comparison().Match(EnabledIf);
        if (!match.Success)
        {
            throw new NotSupportedException($"isEnabled of {Symbol}, \"{EnabledIf}\": TemplateOption.IsEnabled reads only (option == \"value\") and (option != \"value\")");
        }

        var equal = valueOf(BySymbol(match.Groups["symbol"].Value)) == match.Groups["value"].Value;
        return match.Groups["operator"].Value == "==" ? equal : !equal;
    }

    private static List<TemplateOption> Load()
    {
        var cli = TemplateManifest.DotNetCliHost["symbolInfo"]!.AsObject();
        return [.. TemplateManifest.Parameters.Select(parameter =>
        {
            var (name, symbol) = parameter;
            var dataType = symbol["datatype"]!.GetValue<string>();
            string[] values = dataType == "bool"
                ? ["true", "false"]
                : [.. (symbol["choices"]?.AsArray() ?? []).Select(choice => choice!["choice"]!.GetValue<string>())];
            return new TemplateOption(name, cli[name]!["longName"]!.GetValue<string>(), cli[name]!["shortName"]!.GetValue<string>(), dataType,
                symbol["defaultValue"]!.GetValue<string>(), values, symbol["isEnabled"]?.GetValue<string>());
        })];
    }

    [GeneratedRegex("""^\(\s*(?<symbol>\w+)\s*(?<operator>==|!=)\s*"(?<value>[^"]*)"\s*\)$""")]
    private static partial Regex Comparison();
}
