using System.Reflection.PortableExecutable;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The .NET assemblies in an image's <c>/app</c>, read as the runtime reads them: whether each carries code compiled
/// ahead of time (ReadyToRun), and for which machine.
/// </summary>
public static class ImageAssemblies
{
    // On Linux, crossgen writes the target's machine XOR this value into the PE header (so that Windows does not load it).
    private const ushort LinuxMachineOverride = 0x7B79;

    /// <summary>Each <c>.dll</c> under the image's <c>/app</c> with the machine its native code is for; null when it is IL only.</summary>
    public static async Task<List<(string File, Machine? NativeCode)>> ReadAsync(string image, string platform = "linux/amd64")
    {
        var directory = PackPaths.NewTempDirectory("app");
        var container = (await DockerHost.RunAsync("create", "--platform", platform, image)).EnsureSuccess().StandardOutput.Trim();
        try
        {
            (await DockerHost.RunAsync("cp", $"{container}:/app/.", directory)).EnsureSuccess();
        }
        finally
        {
            await DockerHost.RunAsync("rm", container);
        }

        var assemblies = Directory.GetFiles(directory, "*.dll").Order(StringComparer.Ordinal).Select(file => (Path.GetFileName(file), NativeCodeOf(file))).ToList();
        Directory.Delete(directory, recursive: true);
        return assemblies;
    }

    private static Machine? NativeCodeOf(string file)
    {
        using var stream = File.OpenRead(file);
        using var reader = new PEReader(stream);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 }
            ? (Machine)((ushort)reader.PEHeaders.CoffHeader.Machine ^ LinuxMachineOverride)
            : null;
    }
}
