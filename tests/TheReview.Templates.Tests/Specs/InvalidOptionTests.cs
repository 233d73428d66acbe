namespace TheReview.Templates.Tests.Specs;

/// <summary>Bad options are refused with a message naming the option, before anything is written.</summary>
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
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task An_invalid_option_is_refused_and_writes_nothing(string[] options, string optionName)
    {
        var workspace = PackPaths.NewTempDirectory("invalid");
        var output = Path.Combine(workspace, "Orders");

        var result = await hive.NewAsync(["-n", "Orders", "-o", output, .. options]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(optionName, result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), $"{output} was written although the options were refused");
        Assert.Empty(Directory.EnumerateFileSystemEntries(workspace));
        Directory.Delete(workspace);
    }
}
