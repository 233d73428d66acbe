using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// A generated API running as a real process (<c>dotnet Api.dll</c>) on a free loopback port, the way an
/// operator runs it: configuration from environment variables, stopped with SIGTERM.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ApiProcess(Process process, int port, int managementPort)
    {
        this.process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
        Management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}"), Timeout = TimeSpan.FromSeconds(15) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The public port: the API and its probes' status.</summary>
    public HttpClient Client { get; }

    /// <summary>The management port: metrics and the per-check health report.</summary>
    public HttpClient Management { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    /// <summary>Runs a one-shot command of the API (such as <c>migrate</c>) and returns its result.</summary>
    public static Task<CommandResult> RunCommandAsync(string assembly, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        Shell.RunAsync("dotnet", [assembly, .. arguments], Path.GetDirectoryName(assembly), WithDefaults(environment), TimeSpan.FromMinutes(2));

    /// <summary>Starts the API; its <see cref="Client"/> sends <paramref name="authorization"/> with every request.</summary>
    public static async Task<ApiProcess> StartAsync(
        string assembly, IReadOnlyDictionary<string, string?> environment, AuthenticationHeaderValue? authorization = null)
    {
        var ports = FreePort.Next(2);
        var (port, managementPort) = (ports[0], ports[1]);
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in WithDefaults(environment))
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Management__Port"] = managementPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var api = new ApiProcess(Process.Start(start)!, port, managementPort);
        api.Client.DefaultRequestHeaders.Authorization = authorization;
        api.process.OutputDataReceived += (_, line) => api.Append(line.Data);
        api.process.ErrorDataReceived += (_, line) => api.Append(line.Data);
        api.process.BeginOutputReadLine();
        api.process.BeginErrorReadLine();
        await Poll.UntilAsync(async () => await api.StatusAsync("/health") == HttpStatusCode.OK || api.HasExited, TimeSpan.FromSeconds(30), "API start-up");
        Assert.False(api.HasExited, $"The API exited at start-up:\n{api.Output}");
        return api;
    }

    /// <summary>The status code of a GET, or 0 when nothing answers.</summary>
    public async Task<HttpStatusCode> StatusAsync(string path)
    {
        try
        {
            using var response = await Client.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>The JSON report of <c>/health/ready</c> on the management port, whatever its status code.</summary>
    public async Task<JsonElement> ReadinessReportAsync()
    {
        using var response = await Management.GetAsync("/health/ready");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The X-Cache header (HIT or MISS) of a successful read of the reviews sample.</summary>
    public async Task<string> CacheHeaderAsync(string review)
    {
        using var response = await Client.GetAsync(review);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Cache").Single();
    }

    /// <summary>Sends SIGTERM, as Docker and systemd do, without waiting for the exit.</summary>
    public async Task TerminateAsync()
    {
        if (!process.HasExited)
        {
            (await Shell.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).EnsureSuccess();
        }
    }

    /// <summary>The exit code, once the process has exited within the timeout.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(deadline.Token);
        return process.ExitCode;
    }

    private static Dictionary<string, string?> WithDefaults(IReadOnlyDictionary<string, string?> environment)
    {
        var variables = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        return variables;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Management.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
