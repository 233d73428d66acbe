namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// Bad options, alone and in combinations, are refused before anything is written, with a message naming
/// what is wrong. A boolean option takes its value as optional, so the engine names a bad one (such as
/// <c>--postgres maybe</c>) as the token it cannot place: <c>'maybe' is not a valid option</c>.
/// </summary>
[Tier(Tier.Static)]
public sealed class InvalidOptionTests(TemplateHive hive)
{
    public static TheoryData<string[], string> InvalidOptions => new()
    {
        { ["--replicas", "0"], "replicas" },
        { ["--replicas", "-1"], "replicas" },
        { ["--replicas", "abc"], "replicas" },
        { ["--replicas", "21"], "replicas" },
        { ["--setup", "staging"], "setup" },
        { ["--setup"], "setup" },
        { ["--replicas"], "replicas" },
        { ["--replicas", "1.5"], "replicas" },
        { ["--replicas", "3", "--replicas", "4"], "replicas" },
        { ["--setup", "dev", "--setup", "prod"], "setup" },
        { ["--auth", "basic"], "auth" },
        { ["--auth"], "auth" },
        { ["--auth", "jwt", "--auth", "none"], "auth" },
        { ["--postgres", "maybe"], "'maybe'" },
        { ["--mongo", "2"], "'2'" },
        { ["--redis", "off"], "'off'" },
        { ["--admin-uis", "none"], "'none'" },
        { ["--monitoring", "disabled"], "'disabled'" },
        { ["--sample", "sometimes"], "'sometimes'" },
        { ["--skip-restore", "please"], "'please'" },
        { ["--devcontainer", "vscode"], "'vscode'" },
        { ["--gitlab-ci", "gitlab"], "'gitlab'" },
        { ["--databases", "postgres"], "databases" },
        { ["--setup", "prod", "--replicas", "0"], "replicas" },
        { ["--postgres", "false", "--mongo", "false", "--redis", "nope"], "'nope'" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task An_invalid_option_is_refused_and_writes_nothing(string[] options, string named)
    {
        var workspace = PackPaths.NewTempDirectory("invalid");
        var output = Path.Combine(workspace, "Orders");

        var result = await hive.NewAsync(["-n", "Orders", "-o", output, .. options]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(named, result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), $"{output} was written although the options were refused");
        Assert.Empty(Directory.EnumerateFileSystemEntries(workspace));
        Directory.Delete(workspace);
    }
}
