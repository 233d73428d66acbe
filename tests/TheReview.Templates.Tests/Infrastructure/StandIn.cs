namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>A program stand-in for a script under test: an executable file, first on the PATH the spec gives it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class StandIn
{
    /// <summary>Writes <paramref name="script"/> as the executable <paramref name="directory"/>/<paramref name="name"/>.</summary>
    public static async Task WriteAsync(string directory, string name, string script)
    {
        var path = Path.Combine(directory, name);
        await File.WriteAllTextAsync(path, script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
