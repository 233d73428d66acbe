using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The Docker engine the container tests run on, and the local stand-ins of the images the generated
/// files name (tests/images), built once per machine and passed through the product's own variables.
/// </summary>
public static class DockerHost
{
    /// <summary>The Debian ASP.NET Core runtime, with a shell: the production stage's alternative to the chiseled default.</summary>
    public const string FullRuntimeImage = "FULL_RUNTIME_IMAGE";

    private static readonly Lazy<Task<IReadOnlyDictionary<string, string>>> Images = new(BuildImagesAsync);

    private static readonly Lazy<Task<string>> MultiPlatformRuntime = new(BuildMultiPlatformRuntimeAsync);

    /// <summary>The image registry multi-platform images are pushed to: THEREVIEW_TEST_REGISTRY, or the one start-services.sh runs.</summary>
    public static string Registry => Environment.GetEnvironmentVariable("THEREVIEW_TEST_REGISTRY") is { Length: > 0 } registry ? registry : "127.0.0.1:5000";

    /// <summary>
    /// The address the host's default route leaves from: containers reach the host's own services there (the
    /// tests' identity provider and trace collector). Finding it sends no packet.
    /// </summary>
    public static IPAddress HostAddress()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect("1.1.1.1", 53);
        return ((IPEndPoint)socket.LocalEndPoint!).Address;
    }

    /// <summary>The engine answers, or the test is unavailable (a failure in CI).</summary>
    public static async Task RequireEngineAsync()
    {
        var version = await Shell.RunAsync(Tools.Docker, ["version", "--format", "{{.Server.APIVersion}}"]);
        if (version.ExitCode != 0)
        {
            TestServices.Unavailable($"no Docker engine answers ({version.Output.Trim()})");
        }

        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("THEREVIEW_TEST_IMAGES") != "official")
        {
            TestServices.Unavailable("the container tests build base images with debootstrap, which needs root");
        }
    }

    /// <summary>Image variables (SDK_IMAGE, POSTGRES_IMAGE, ...) naming the local stand-ins.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> LocalImagesAsync()
    {
        await RequireEngineAsync();
        return await Images.Value;
    }

    /// <summary>
    /// A runtime image offering linux/amd64 and linux/arm64 in <see cref="Registry"/>, as the official one does in
    /// its own; the arm64 half runs under qemu, which the kernel must know (binfmt_misc).
    /// </summary>
    public static async Task<string> MultiPlatformRuntimeAsync()
    {
        await RequireEngineAsync();
        if (!File.Exists("/proc/sys/fs/binfmt_misc/qemu-aarch64"))
        {
            TestServices.Unavailable("the kernel cannot run arm64 programs: no qemu-aarch64 in /proc/sys/fs/binfmt_misc (tests/scripts/start-services.sh registers it)");
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            (await client.GetAsync(new Uri($"http://{Registry}/v2/"))).EnsureSuccessStatusCode();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            TestServices.Unavailable($"no image registry answers on {Registry} ({exception.Message}; tests/scripts/start-services.sh runs one)");
        }

        return await MultiPlatformRuntime.Value;
    }

    public static Task<CommandResult> RunAsync(params string[] arguments) =>
        Shell.RunAsync(Tools.Docker, arguments, timeout: TimeSpan.FromMinutes(10));

    public static async Task<JsonElement> InspectAsync(params string[] arguments)
    {
        var result = (await RunAsync(["inspect", .. arguments])).EnsureSuccess();
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement[0].Clone();
    }

    /// <summary>The result lines of an instant PromQL query, run with promtool inside a Prometheus container; null when it cannot run.</summary>
    public static async Task<string[]?> TryPrometheusQueryAsync(string container, string query)
    {
        var result = await RunAsync("exec", container, "promtool", "query", "instant", "http://localhost:9090", query);
        return result.ExitCode == 0 ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries) : null;
    }

    /// <summary>The result lines of an instant PromQL query; the test fails when the query cannot run.</summary>
    public static async Task<string[]> PrometheusQueryAsync(string container, string query) =>
        await TryPrometheusQueryAsync(container, query) ?? throw new InvalidOperationException($"promtool could not run '{query}' in {container}");

    /// <summary>The running containers with a label, as (id, value of a second label) pairs.</summary>
    public static async Task<List<(string Id, string Name)>> ContainersAsync(string filterLabel, string nameLabel) =>
        [.. (await RunAsync("ps", "--filter", $"label={filterLabel}", "--format", $"{{{{.ID}}}}|{{{{.Label \"{nameLabel}\"}}}}")).EnsureSuccess().StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('|')).Select(p => (p[0], p[1]))];

    /// <summary>
    /// The container's own processes (its main process and every descendant) with their real UIDs, as the kernel
    /// reports them. Health checks and other <c>docker exec</c> processes are not descendants and are left out.
    /// </summary>
    public static async Task<List<(int Uid, string Command)>> ProcessesAsync(string container)
    {
        var main = int.Parse((await RunAsync("inspect", "--format", "{{.State.Pid}}", container)).EnsureSuccess().StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var processes = (await RunAsync("top", container, "-eo", "pid,ppid,ruid,comm")).EnsureSuccess().StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Trim().Split(' ', 4, StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (Pid: Number(p[0]), Parent: Number(p[1]), Uid: Number(p[2]), Command: p.Length > 3 ? p[3].Trim() : ""))
            .ToList();
        var own = new HashSet<int> { main };
        for (var added = true; added;)
        {
            added = false;
            foreach (var process in processes.Where(p => !own.Contains(p.Pid) && own.Contains(p.Parent)))
            {
                added |= own.Add(process.Pid);
            }
        }

        return [.. processes.Where(p => own.Contains(p.Pid)).Select(p => (p.Uid, p.Command))];
    }

    /// <summary>The environment of the container's main process, read from the host: images without a shell have no <c>cat</c>.</summary>
    public static async Task<string[]> EnvironmentOfAsync(string container)
    {
        var pid = (await RunAsync("inspect", "--format", "{{.State.Pid}}", container)).EnsureSuccess().StandardOutput.Trim();
        return (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    private static int Number(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Fails with the offenders unless every process of every container runs as a non-root user; returns "service: uid" lines.</summary>
    public static async Task<List<string>> AssertNonRootAsync(List<(string Id, string Name)> containers)
    {
        Assert.NotEmpty(containers);
        var seen = new List<string>();
        var root = new List<string>();
        foreach (var (id, name) in containers)
        {
            var processes = await ProcessesAsync(id);
            Assert.NotEmpty(processes);
            seen.Add($"{name}: {string.Join(",", processes.Select(p => p.Uid).Distinct())}");
            root.AddRange(processes.Where(p => p.Uid == 0).Select(p => $"{name} ({p.Command})"));
        }

        Assert.True(root.Count == 0, "processes running as root: " + string.Join(", ", root));
        return seen;
    }

    private static async Task<IReadOnlyDictionary<string, string>> BuildImagesAsync()
    {
        // Where registries are reachable (hosted CI), THEREVIEW_TEST_IMAGES=official keeps the product's defaults.
        if (Environment.GetEnvironmentVariable("THEREVIEW_TEST_IMAGES") == "official")
        {
            var images = File.ReadAllLines(Path.Combine(PackPaths.TemplateDirectory, ".env.example"))
                .Where(line => !line.StartsWith('#') && line.Split('=', 2) is [var key, _] && key.EndsWith("_IMAGE", StringComparison.Ordinal))
                .Select(line => line.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
            images[FullRuntimeImage] = "mcr.microsoft.com/dotnet/aspnet:10.0";
            return images;
        }

        return await BuildLocalImagesAsync();
    }

    private static async Task<string> BuildMultiPlatformRuntimeAsync()
    {
        if (Environment.GetEnvironmentVariable("THEREVIEW_TEST_IMAGES") == "official")
        {
            return "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled";
        }

        // Both platforms' stand-ins, the arm64 one from a root configured under qemu: minutes the first time, then cached.
        return (await BuildLocalImagesAsync("--multiarch"))["MULTIARCH_RUNTIME_IMAGE"];
    }

    private static async Task<IReadOnlyDictionary<string, string>> BuildLocalImagesAsync(params string[] arguments)
    {
        var script = Path.Combine(PackPaths.Root, "tests", "scripts", "build-local-images.sh");
        var result = (await Shell.RunAsync("bash", [script, .. arguments], PackPaths.Root, timeout: TimeSpan.FromMinutes(25))).EnsureSuccess();
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
    }
}
