using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The hadolint and CIS Docker rules the product promises, as explicit checks (hadolint is not among the tools .ci/run installs).
/// Each violation names its rule, so a failing test says which one broke.
/// </summary>
public static partial class DockerfileRules
{
    public sealed record Instruction(string Keyword, string Arguments, int Stage);

    /// <summary>The instructions, with continuation lines joined and comments dropped.</summary>
    public static List<Instruction> Parse(string dockerfile)
    {
        var instructions = new List<Instruction>();
        var stage = -1;
        var current = "";
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            current += line.EndsWith('\\') ? line[..^1] + " " : line;
            if (line.EndsWith('\\'))
            {
                continue;
            }

            var parts = current.Split(' ', 2, StringSplitOptions.TrimEntries);
            var keyword = parts[0].ToUpperInvariant();
            stage += keyword == "FROM" ? 1 : 0;
            instructions.Add(new Instruction(keyword, parts.Length > 1 ? parts[1] : "", stage));
            current = "";
        }

        return instructions;
    }

    public static List<string> Violations(string dockerfile)
    {
        var instructions = Parse(dockerfile);
        var violations = new List<string>();
        var lastStage = instructions.Max(i => i.Stage);
        var final = instructions.Where(i => i.Stage == lastStage).ToList();
        var defaults = instructions.Where(i => i.Keyword == "ARG" && i.Arguments.Contains('=', StringComparison.Ordinal))
            .Select(i => i.Arguments.Split('=', 2)).GroupBy(a => a[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

        var user = final.LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        if (user is null or "root" or "0" || user.StartsWith("0:", StringComparison.Ordinal) || user.StartsWith("root:", StringComparison.Ordinal))
        {
            violations.Add($"DL3002 the final stage must switch to a non-root USER (found: {user ?? "none"})");
        }

        foreach (var add in instructions.Where(i => i.Keyword == "ADD" && RemoteUrl().IsMatch(i.Arguments)))
        {
            violations.Add($"DL3020 ADD of a remote URL: {add.Arguments}");
        }

        foreach (var from in instructions.Where(i => i.Keyword == "FROM"))
        {
            var image = from.Arguments.Split(' ')[0];
            var resolved = ArgumentReference().Replace(image, m => defaults.GetValueOrDefault(m.Groups[1].Value, m.Value));
            if (resolved.Contains("${", StringComparison.Ordinal) || resolved.Contains('$', StringComparison.Ordinal))
            {
                continue; // a stage of this file, or an argument without a default: nothing to pin here
            }

            var stageNames = instructions.Where(i => i.Keyword == "FROM")
                .Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(words => words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                .Select(words => words[2]);
            if (stageNames.Contains(resolved, StringComparer.Ordinal))
            {
                continue;
            }

            var tag = resolved.Contains('@', StringComparison.Ordinal) ? "digest" : resolved.Split('/')[^1].Split(':').ElementAtOrDefault(1);
            if (tag is null or "latest")
            {
                violations.Add($"DL3006/DL3007 base image without a pinned tag: {resolved}");
            }
        }

        foreach (var run in instructions.Where(i => i.Keyword == "RUN" && i.Arguments.Contains("apt-get install", StringComparison.Ordinal)))
        {
            if (!run.Arguments.Contains("--no-install-recommends", StringComparison.Ordinal))
            {
                violations.Add($"DL3015 apt-get install without --no-install-recommends: {run.Arguments}");
            }
        }

        foreach (var run in instructions.Where(i => i.Keyword == "RUN" && i.Arguments.Contains("apt-get update", StringComparison.Ordinal)))
        {
            if (!run.Arguments.Contains("rm -rf /var/lib/apt/lists", StringComparison.Ordinal))
            {
                violations.Add($"DL3009 apt lists are not removed in the same RUN: {run.Arguments}");
            }
        }

        foreach (var entry in instructions.Where(i => i.Keyword is "ENTRYPOINT" or "CMD"))
        {
            if (!entry.Arguments.StartsWith('['))
            {
                violations.Add($"DL3025 {entry.Keyword} is not in exec form: {entry.Arguments}");
            }
        }

        if (!final.Any(i => i.Keyword == "HEALTHCHECK" && !i.Arguments.StartsWith("NONE", StringComparison.OrdinalIgnoreCase)))
        {
            violations.Add("CIS 4.6 the final stage has no HEALTHCHECK");
        }

        foreach (var variable in instructions.Where(i => i.Keyword is "ARG" or "ENV").SelectMany(i => VariableNames(i.Arguments)))
        {
            if (SecretName().IsMatch(variable))
            {
                violations.Add($"CIS 4.10 a secret in ARG or ENV: {variable}");
            }
        }

        return violations;
    }

    private static IEnumerable<string> VariableNames(string arguments) =>
        arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith('"')).Select(p => p.Split('=')[0]);

    [GeneratedRegex(@"^(--\S+\s+)*(https?|ftp)://", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteUrl();

    [GeneratedRegex(@"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex ArgumentReference();

    [GeneratedRegex("(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
