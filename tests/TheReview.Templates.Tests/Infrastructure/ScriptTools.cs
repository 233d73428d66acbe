namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The tools a developer-side script finds first on PATH. No macOS runs here, so the script specs run twice: with
/// this machine's GNU tools, and with busybox's applets in place of GNU coreutils, sed, grep, find, xargs and diff, which
/// have none of the GNU extensions a script could lean on by accident.
/// </summary>
public static class ScriptTools
{
    public const string Gnu = "gnu";
    public const string Busybox = "busybox";

    private static readonly string[] Replaced = ["sed", "grep", "egrep", "fgrep", "find", "xargs", "diff"];

    private static readonly Lazy<Task<string>> BusyboxDirectory = new(CreateBusyboxDirectoryAsync);

    public static TheoryData<string> Both => [Gnu, Busybox];

    /// <summary>The environment that puts this tool set first on PATH, with the given variables besides.</summary>
    public static async Task<Dictionary<string, string?>> EnvironmentAsync(string tools, IReadOnlyDictionary<string, string?>? variables = null)
    {
        var environment = new Dictionary<string, string?>(variables ?? new Dictionary<string, string?>());
        if (tools == Busybox)
        {
            var path = environment.GetValueOrDefault("PATH") ?? Environment.GetEnvironmentVariable("PATH");
            environment["PATH"] = $"{await BusyboxDirectory.Value}:{path}";
        }

        return environment;
    }

    // A folder of links to busybox, one per applet that replaces a GNU coreutils program or one of the others.
    private static async Task<string> CreateBusyboxDirectoryAsync()
    {
        var busybox = TestServices.Program("busybox", "/usr/bin/busybox", "/bin/busybox");
        var applets = (await Shell.RunAsync(busybox, ["--list"])).EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var coreutils = (await Shell.RunAsync("dpkg", ["-L", "coreutils"])).EnsureSuccess().StandardOutput.Split('\n')
            .Where(path => path.Contains("/bin/", StringComparison.Ordinal)).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var directory = PackPaths.NewTempDirectory("busybox-tools");
        var linked = applets.Where(applet => coreutils.Contains(applet) || Replaced.Contains(applet)).ToList();
        Assert.True(linked.Count > 50, $"busybox {busybox} has only {linked.Count} of the GNU tools' applets");
        foreach (var applet in linked)
        {
            File.CreateSymbolicLink(Path.Combine(directory, applet), busybox);
        }

        return directory;
    }
}
