using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// The scripts and Makefile that run on a developer's machine work on macOS too, where sed, stat, chmod, rmdir,
/// xargs, diff and sha256sum are the BSD ones (or absent) and /bin/bash is 3.2. No macOS runs here, so each
/// GNU-only or bash-4-only form is a rule, with the reason, checked in every scenario; the rules are shown to catch
/// each form.
/// </summary>
[Tier(Tier.Static)]
public sealed partial class PortableScriptTests(TemplateHive hive)
{
    private static readonly (string Form, Regex Pattern, string Reason)[] GnuOnly =
    [
        ("sed \\L or \\U", SedCaseConversion(), "BSD sed has no case conversion: \"adminUis\" became \"--admin-LUis\""),
        ("stat -c", new Regex(@"\bstat -c\b"), "BSD stat takes -f"),
        ("chmod --reference", new Regex(@"--reference"), "BSD chmod has no --reference"),
        ("rmdir --ignore-fail-on-non-empty", new Regex(@"--ignore-fail-on-non-empty"), "BSD rmdir has no such option"),
        ("xargs -r", new Regex(@"\bxargs -r\b"), "not every BSD xargs has -r"),
        ("sed -i without a suffix", new Regex(@"\bsed -i (?!'')"), "BSD sed -i needs a suffix argument"),
        ("readlink -f", new Regex(@"\breadlink -f\b"), "older macOS readlink has no -f"),
        ("date -d", new Regex(@"\bdate -d\b"), "BSD date takes -j -f"),
        ("grep -P", new Regex(@"\bgrep -[a-zA-Z]*P"), "BSD grep has no Perl expressions"),
        ("sha256sum alone", new Regex(@"\bsha256sum\b(?!.*shasum)"), "macOS has shasum -a 256, not sha256sum"),
        ("sort -V", new Regex(@"\bsort -[a-zA-Z]*V"), "the sort of older macOS releases has no version sort"),
        ("thereview.json read by a regex", new Regex(@"\b(sed|grep|awk)\b.*thereview\.json"), "a regex breaks on the next change of the JSON's layout; jq parses it"),
        ("diff --label", new Regex(@"\bdiff\b.*--label"), "busybox diff takes only -L, which GNU and BSD diff take too"),
        ("bash 4 case conversion", new Regex(@"\$\{[A-Za-z0-9_@*]+(,,?|\^\^?)\}"), "bash 3.2, macOS's /bin/bash, has no ${x,,} or ${x^^}"),
        ("mapfile or readarray", new Regex(@"\b(mapfile|readarray)\b"), "bash 3.2 has neither"),
        ("associative or reference variables", new Regex(@"\b(declare|local|typeset) -[a-zA-Z]*[An]"), "bash 3.2 has no -A or -n"),
        ("|& or &>>", new Regex(@"\|&|&>>"), "bash 3.2 has neither"),
        ("[[ -v ]] or wait -n", new Regex(@"\[\[ -v |\bwait -n\b"), "bash 3.2 has neither"),
    ];

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Developer_side_scripts_use_no_gnu_only_tool_forms(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var files = repository.Files.Where(f => (f.StartsWith("scripts/", StringComparison.Ordinal) && f.EndsWith(".sh", StringComparison.Ordinal)) || f == "Makefile").ToList();

        var found = files.SelectMany(file => Violations(repository.Read(file)).Select(v => $"{file}: {v}")).ToList();

        Assert.NotEmpty(files);
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Theory]
    [InlineData("flag() { sed 's/\\([A-Z]\\)/-\\L\\1/g; s/^/--/' <<<\"$1\"; }")]
    [InlineData("if [ \"$(stat -c %a \"$base\")\" != x ]; then chmod --reference=\"$new\" \"$file\"; fi")]
    [InlineData("rmdir -p --ignore-fail-on-non-empty \"$dir\"")]
    [InlineData("docker config ls -q | xargs -r docker config rm")]
    [InlineData("sed -i 's/a/b/' file")]
    [InlineData("find . -type f | xargs cat | sha256sum | cut -c1-12")]
    [InlineData("printf '%s\\n%s\\n' \"$a\" \"$b\" | sort -V | tail -n 1")]
    [InlineData("diff -u --label a/x --label b/x x new/x")]
    [InlineData("[ \"${1,,}\" = yes ]")]
    [InlineData("mapfile -t files < <(git ls-files)")]
    [InlineData("local -A seen=()")]
    [InlineData("make build |& tee build.log")]
    [InlineData("if [[ -v NAME ]]; then wait -n; fi")]
    [InlineData("answers() { sed -n '/\"options\": {/,/}/s/^ *\"\\([A-Za-z]*\\)\": *\\(.*\\)$/\\1 \\2/p' thereview.json; }")]
    public void Each_rule_catches_its_form(string line) => Assert.NotEmpty(Violations(line));

    /// <summary>
    /// The second run of the script specs (<see cref="ScriptTools"/>) can fail: busybox's tools go wrong on GNU-only
    /// forms as macOS's do, where GNU's do what the script meant. The rules above catch the forms busybox accepts.
    /// </summary>
    [Theory]
    [InlineData("sed 's/\\([A-Z]\\)/-\\L\\1/g' <<<adminUis", "admin-uis")]
    [InlineData("touch a b && chmod --reference=a b && echo same", "same")]
    [InlineData("echo ab | grep -oP 'a(?=b)'", "a")]
    public async Task The_busybox_tools_go_wrong_on_gnu_only_forms(string command, string gnuOutput)
    {
        var directory = PackPaths.NewTempDirectory("gnu-only");

        var gnu = await Shell.RunAsync("bash", ["-c", command], directory, await ScriptTools.EnvironmentAsync(ScriptTools.Gnu));
        var busybox = await Shell.RunAsync("bash", ["-c", command], directory, await ScriptTools.EnvironmentAsync(ScriptTools.Busybox));

        Assert.Equal(gnuOutput, gnu.EnsureSuccess().StandardOutput.Trim());
        Assert.False(busybox.ExitCode == 0 && busybox.StandardOutput.Trim() == gnuOutput, $"busybox did what GNU does: {busybox.Output}");
        Figures.Report($"{command}: GNU \"{gnuOutput}\"; busybox exit {busybox.ExitCode}, \"{busybox.Output.Trim()}\"");
    }

    /// <summary>The GNU-only forms in a script's commands; comments and lines that run only in the Linux dev container are skipped.</summary>
    private static IEnumerable<string> Violations(string script) =>
        from line in script.Split('\n')
        let command = line.TrimStart()
        where !command.StartsWith('#') && !line.Contains("/.dockerenv", StringComparison.Ordinal)
        from rule in GnuOnly
        where rule.Pattern.IsMatch(command)
        select $"{rule.Form} ({rule.Reason}): {command.Trim()}";

    [GeneratedRegex(@"\bsed\b.*\\[LU]\\?[0-9]")]
    private static partial Regex SedCaseConversion();
}
