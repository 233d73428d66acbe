using System.Reflection;
using System.Runtime.InteropServices;

namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// The <c>version</c> command: which build this is and what it runs on, without starting the host. Operators ask a
/// running image (<c>docker run IMAGE version</c>), and <c>make image-multiarch</c> asks each platform's image to
/// prove that it starts on that architecture.
/// </summary>
internal static class VersionCommand
{
    public const string Command = "version";

    public static bool IsRequested(string[] args) => args is [Command];

    public static int Run()
    {
        var assembly = typeof(VersionCommand).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        Console.WriteLine($"{assembly.GetName().Name} {version} {RuntimeInformation.RuntimeIdentifier} .NET {Environment.Version}");
        return 0;
    }
}
