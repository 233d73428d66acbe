using System.Net;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The generated production stack deployed on a single-node Swarm (127.0.0.1) with <c>make prod-deploy</c>:
/// a repository generated with MongoDB off, the local stand-in images, and Grafana held at zero replicas
/// through an operator's override file (no Grafana image on this machine).
/// </summary>
public sealed class SwarmDeployment : IAsyncLifetime
{
    private const string Override = "without-grafana.yml";
    private readonly TemplateHive hive;

    public SwarmDeployment(TemplateHive hive) => this.hive = hive;

    public StackWorkspace Workspace { get; private set; } = null!;

    public HttpClient Proxy { get; private set; } = null!;

    public string Name => Workspace.Name;

    public string Api => $"{Name}_api";

    /// <summary>A review written at deployment, read through the cache by the load tests.</summary>
    public string ReviewPath { get; private set; } = null!;

    public string ProdFiles => $"PROD_FILES=docker-compose.prod.yml {Override}";

    public async ValueTask InitializeAsync()
    {
        await DockerHost.RequireEngineAsync();
        var state = (await DockerHost.RunAsync("info", "--format", "{{.Swarm.LocalNodeState}}")).EnsureSuccess().StandardOutput.Trim();
        if (state != "active")
        {
            (await DockerHost.RunAsync("swarm", "init", "--advertise-addr", "127.0.0.1")).EnsureSuccess();
        }

        Workspace = await StackWorkspace.CreateAsync(await hive.InstantiateAsync(Scenario.WithoutMongo));
        await File.WriteAllTextAsync(Workspace.Repository.PathOf(Override), "services:\n  grafana:\n    deploy:\n      replicas: 0\n");
        Proxy = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{Workspace.Port("HTTPS_PORT")}"),
            Timeout = TimeSpan.FromSeconds(15),
        };

        (await Workspace.MakeAsync("build-prod")).EnsureSuccess();
        (await Workspace.MakeAsync("prod-deploy", ProdFiles)).EnsureSuccess();
        await ConvergedAsync(3, "1.0.0");
        await Poll.UntilAsync(async () => await StatusAsync("/health/ready") == HttpStatusCode.OK, TimeSpan.FromMinutes(2), "readiness through Nginx");

        using var created = await Proxy.PostAsync(new Uri("/api/reviews", UriKind.Relative),
            new StringContent("{\"subject\":\"Espresso machine\",\"author\":\"ana\",\"rating\":5}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        ReviewPath = created.Headers.Location!.AbsolutePath;
    }

    /// <summary>Builds the current sources as another release tag.</summary>
    public async Task BuildReleaseAsync(string tag) =>
        (await Workspace.MakeAsync("build-prod", $"API_TAG={tag}")).EnsureSuccess();

    public async Task<HttpStatusCode> StatusAsync(string path)
    {
        try
        {
            using var response = await Proxy.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>Waits until the API runs the given replicas, all on the given tag, and no update is in progress.</summary>
    public async Task<TimeSpan> ConvergedAsync(int replicas, string tag, TimeSpan? timeout = null) =>
        await Poll.UntilAsync(async () =>
        {
            var tasks = await RunningTasksAsync();
            var update = (await DockerHost.RunAsync("service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", Api)).StandardOutput.Trim();
            return tasks.Count == replicas && tasks.All(t => t.Image.EndsWith($":{tag}", StringComparison.Ordinal) && t.State.StartsWith("Running", StringComparison.Ordinal))
                && update is "" or "completed" or "rollback_completed";
        }, timeout ?? TimeSpan.FromMinutes(4), $"{replicas} healthy replicas of {tag}");

    public async Task<List<(string Image, string State)>> RunningTasksAsync()
    {
        var ps = await DockerHost.RunAsync("service", "ps", Api, "--filter", "desired-state=running", "--format", "{{.Image}}|{{.CurrentState}}");
        return [.. ps.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).Select(p => (p[0], p[1]))];
    }

    /// <summary>The distinct replicas that answer a burst of parallel requests through Nginx.</summary>
    public async Task<HashSet<string>> InstancesAnsweringAsync(int requests = 60)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
        {
            using var response = await Proxy.GetAsync(new Uri(ReviewPath, UriKind.Relative));
            return response.Headers.TryGetValues("X-Instance", out var values) ? values.Single() : "?";
        }));
        return [.. answers];
    }

    public async Task<string> ContainerOfAsync(string service) =>
        (await DockerHost.RunAsync("ps", "--quiet", "--filter", $"label=com.docker.swarm.service.name={Name}_{service}")).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).First();

    public async ValueTask DisposeAsync()
    {
        Proxy?.Dispose();
        if (Workspace is null)
        {
            return;
        }

        await DockerHost.RunAsync("stack", "rm", Name);
        await Poll.UntilAsync(async () =>
            (await DockerHost.RunAsync("ps", "--all", "--quiet", "--filter", $"label=com.docker.stack.namespace={Name}")).StandardOutput.Trim().Length == 0,
            TimeSpan.FromMinutes(2), "stack removal");
        var volumes = (await DockerHost.RunAsync("volume", "ls", "--quiet", "--filter", $"label=com.docker.stack.namespace={Name}")).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (volumes.Length > 0)
        {
            await DockerHost.RunAsync(["volume", "rm", .. volumes]);
        }

        var secrets = (await DockerHost.RunAsync("secret", "ls", "--quiet", "--filter", $"label=com.docker.stack.namespace={Name}")).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (secrets.Length > 0)
        {
            await DockerHost.RunAsync(["secret", "rm", .. secrets]);
        }

        // The releases built for this stack; the build cache keeps what the next run can reuse.
        var releases = (await DockerHost.RunAsync("image", "ls", "--quiet", Workspace.Settings["API_IMAGE"])).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
        if (releases.Length > 0)
        {
            await DockerHost.RunAsync(["image", "rm", "--force", .. releases]);
        }
    }
}
