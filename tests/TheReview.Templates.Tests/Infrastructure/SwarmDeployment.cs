using System.Net;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The generated production stack deployed on a single-node Swarm (127.0.0.1) with <c>make prod-deploy</c>:
/// a repository generated with MongoDB off, the local stand-in images, and, through an operator's override
/// file, an Nginx in Grafana's place that echoes the headers it receives (Grafana has no stand-in under THEREVIEW_TEST_IMAGES=local).
/// </summary>
public sealed class SwarmDeployment : IAsyncLifetime
{
    /// <summary>The reviews' row count and a digest of their content.</summary>
    public const string ReviewsChecksum =
        "SELECT count(*) || ':' || md5(string_agg(id::text || subject || author || rating || coalesce(text, ''), ',' ORDER BY id)) FROM reviews";

    private const string Override = "grafana-stand-in.yml";
    private readonly TemplateHive hive;

    public SwarmDeployment(TemplateHive hive) => this.hive = hive;

    public StackWorkspace Workspace { get; private set; } = null!;

    public HttpClient Proxy { get; private set; } = null!;

    /// <summary>The trace collector named by the stack's OTEL_EXPORTER_OTLP_ENDPOINT, where it can be built.</summary>
    public OtlpReceiver? Collector { get; private set; }

    /// <summary>The bearer token <see cref="Proxy"/> sends.</summary>
    public System.Net.Http.Headers.AuthenticationHeaderValue Authorization { get; private set; } = null!;

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

        // The replicas export their traces to the tests' collector, as a team's stack would to its own.
        Collector = OtlpReceiver.IsAvailable ? await OtlpReceiver.Shared : null;
        Workspace = await StackWorkspace.CreateAsync(await hive.InstantiateAsync(Scenario.WithoutMongo),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", Collector?.Endpoint ?? ""));
        // No Grafana stand-in under THEREVIEW_TEST_IMAGES=local: an Nginx that answers with the request headers it received stands in for it,
        // so the specs see what the stack's proxy sends to Grafana (and what it adds to Grafana's answers).
        // Nginx gets the soft open-file limit of a stock Docker install under systemd (1,024), which this machine's
        // hand-started engine (20,000) would hide. The hard limit stays under the engine's own (20,000): a stock
        // install's 524,288 cannot be granted here.
        await File.WriteAllTextAsync(Workspace.Repository.PathOf(Override), $"""
            services:
              nginx:
                ulimits:
                  nofile:
                    soft: 1024
                    hard: 16384
              grafana:
                image: {Workspace.Settings["NGINX_IMAGE"]}
                user: "101:101"
                configs:
                  - source: grafana_stand_in
                    target: /etc/nginx/nginx.conf
            configs:
              grafana_stand_in:
                file: ./grafana-stand-in.conf
            """);
        await File.WriteAllTextAsync(Workspace.Repository.PathOf("grafana-stand-in.conf"), """
            pid /tmp/nginx.pid;
            events {}
            http {
                client_body_temp_path /tmp/client_temp;
                proxy_temp_path /tmp/proxy_temp;
                fastcgi_temp_path /tmp/fastcgi_temp;
                uwsgi_temp_path /tmp/uwsgi_temp;
                scgi_temp_path /tmp/scgi_temp;
                server {
                    listen 3000;
                    default_type text/plain;
                    location / {
                        return 200 "host=$http_host\nupgrade=$http_upgrade\nconnection=$http_connection\nx-forwarded-for=$http_x_forwarded_for\nx-forwarded-proto=$http_x_forwarded_proto\nx-real-ip=$http_x_real_ip\nuri=$request_uri\n";
                    }
                }
            }
            """);
        Proxy = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{Workspace.Port("HTTPS_PORT")}"),
            Timeout = TimeSpan.FromSeconds(15),
        };
        // Every request is a caller with the write scope, as the tests' identity provider issues it.
        Authorization = (await IdentityProvider.Shared).Authorization(Workspace.Repository.Scenario.Name);
        Proxy.DefaultRequestHeaders.Authorization = Authorization;

        (await Workspace.MakeAsync("build-prod")).EnsureSuccess();
        await RedeployAsync();
        ReviewPath = await CreateReviewAsync("Espresso machine");
    }

    /// <summary>Deploys the stack (again) with <c>make prod-deploy</c> and waits for 3 ready replicas of 1.0.0.</summary>
    public async Task RedeployAsync()
    {
        (await Workspace.MakeAsync("prod-deploy", ProdFiles)).EnsureSuccess();
        await ConvergedAsync(3, "1.0.0");
    }

    /// <summary>Waits until readiness through Nginx answers 200 twenty times in a row, so no replica is still reconnecting.</summary>
    public Task<TimeSpan> ReadyEverywhereAsync()
    {
        var streak = 0;
        return Poll.UntilAsync(async () =>
        {
            streak = await StatusAsync("/health/ready") == HttpStatusCode.OK ? streak + 1 : 0;
            return streak >= 20;
        }, TimeSpan.FromMinutes(2), "readiness of every replica through Nginx");
    }

    /// <summary>Waits until no container or network of the stack is left after <c>docker stack rm</c>.</summary>
    public async Task GoneAsync() =>
        await Poll.UntilAsync(async () =>
            (await DockerHost.RunAsync("ps", "--all", "--quiet", "--filter", $"label=com.docker.stack.namespace={Name}")).StandardOutput.Trim().Length == 0
            && (await DockerHost.RunAsync("network", "ls", "--quiet", "--filter", $"label=com.docker.stack.namespace={Name}")).StandardOutput.Trim().Length == 0,
            TimeSpan.FromMinutes(2), "stack removal");

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

    /// <summary>Waits until the API runs the given replicas, all on the given tag, no update is in progress, and every replica is ready.</summary>
    public async Task<TimeSpan> ConvergedAsync(int replicas, string tag, TimeSpan? timeout = null)
    {
        var converged = await Poll.UntilAsync(async () =>
        {
            var tasks = await RunningTasksAsync();
            var update = (await DockerHost.RunAsync("service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", Api)).StandardOutput.Trim();
            return tasks.Count == replicas && tasks.All(t => t.Image.EndsWith($":{tag}", StringComparison.Ordinal) && t.State.StartsWith("Running", StringComparison.Ordinal))
                && update is "" or "completed" or "rollback_completed";
        }, timeout ?? TimeSpan.FromMinutes(4), $"{replicas} healthy replicas of {tag}");
        return converged + await ReadyEverywhereAsync();
    }

    /// <summary>Waits until every long-running service of the stack runs all its replicas (the one-shot migration job aside).</summary>
    public Task<TimeSpan> SettledAsync() =>
        Poll.UntilAsync(async () =>
        {
            var services = (await DockerHost.RunAsync("stack", "services", "--format", "{{.Name}} {{.Replicas}}", Name)).EnsureSuccess().StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).Where(p => !p[0].EndsWith("_migrate", StringComparison.Ordinal));
            return services.All(p => p[1].Split('/') is [var running, var desired] && running == desired);
        }, TimeSpan.FromMinutes(3), "every service of the stack at its desired replicas");

    /// <summary>Every task id (any state) of every service of the stack, by short service name: the same ids mean no task was started or replaced.</summary>
    public async Task<Dictionary<string, string>> TasksByServiceAsync()
    {
        var services = (await DockerHost.RunAsync("stack", "services", "--format", "{{.Name}}", Name)).EnsureSuccess().StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tasks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var ids = (await DockerHost.RunAsync("service", "ps", service, "--quiet")).EnsureSuccess().StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
            tasks[service[(Name.Length + 1)..]] = string.Join(',', ids);
        }

        return tasks;
    }

    public async Task<List<(string Image, string State)>> RunningTasksAsync()
    {
        var ps = await DockerHost.RunAsync("service", "ps", Api, "--filter", "desired-state=running", "--format", "{{.Image}}|{{.CurrentState}}");
        return [.. ps.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).Select(p => (p[0], p[1]))];
    }

    /// <summary>The ids of the API's tasks Swarm wants running now.</summary>
    public async Task<string[]> RunningTaskIdsAsync() =>
        (await DockerHost.RunAsync("service", "ps", Api, "--no-trunc", "--filter", "desired-state=running", "--format", "{{.ID}}"))
            .EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>How each of the given tasks ended: its container's exit code, the task's final state and its error.</summary>
    public async Task<List<TaskEnd>> TaskEndsAsync(IEnumerable<string> taskIds)
    {
        var lines = (await DockerHost.RunAsync(["inspect", "--format", "{{.Status.ContainerStatus.ExitCode}}|{{.Status.State}}|{{.Status.Err}}", .. taskIds]))
            .EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. lines.Select(line => line.Split('|', 3)).Select(fields =>
            new TaskEnd(int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), fields[1], fields[2]))];
    }

    /// <summary>
    /// The distinct replicas that answer a burst of parallel requests through Nginx. Nginx's per-client limit (burst
    /// 100, 50 a second) answers 429 to a caller that polls in bursts; such a request is sent again once the bucket
    /// has refilled. Any other answer without X-Instance is named by its status, so it counts as a stranger.
    /// </summary>
    private async Task<HashSet<string>> InstancesAnsweringAsync(int requests = 60)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
        {
            for (var attempt = 1; ; attempt++)
            {
                using var response = await Proxy.GetAsync(new Uri(ReviewPath, UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    continue;
                }

                return response.Headers.TryGetValues("X-Instance", out var values) ? values.Single() : $"HTTP {(int)response.StatusCode} without X-Instance";
            }
        }));
        return [.. answers];
    }

    /// <summary>
    /// Waits until exactly <paramref name="replicas"/> replicas, and nothing else, answer through Nginx. A replica
    /// that was replaced or scaled away drains for a few seconds, still answering. Returns the replicas and the wait.
    /// </summary>
    public async Task<(HashSet<string> Instances, TimeSpan Waited)> ReplicasAnsweringAsync(int replicas, int requests = 60)
    {
        HashSet<string> instances = [];
        var waited = await Poll.UntilAsync(
            async () => (instances = await InstancesAnsweringAsync(requests)).Count == replicas
                && !instances.Any(instance => instance.EndsWith("without X-Instance", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60),
            () => $"exactly {replicas} replicas answering through Nginx; last seen: {string.Join(", ", instances)}");
        await RefillClientBudgetAsync();
        return (instances, waited);
    }

    /// <summary>
    /// After a spec that spent this client's budget at Nginx (burst 100, refilled at 50 a second): waits until it is
    /// full again, so the next spec's first requests are not refused with 429.
    /// </summary>
    public static Task RefillClientBudgetAsync() => Task.Delay(TimeSpan.FromSeconds(3));

    /// <summary>Runs SQL with psql inside the stack's PostgreSQL container; the rows, one per line.</summary>
    public async Task<string> PsqlAsync(string sql, string? database = null) =>
        await PsqlInAsync(await ContainerOfAsync("postgres"), sql, database);

    /// <summary>
    /// Runs SQL with psql inside the given PostgreSQL container (Swarm's or compose's); the rows, one per line. An exec
    /// that the engine itself fails to set up (exit 126, "OCI runtime exec failed", seen once on a loaded machine) is
    /// tried once more: psql never ran, so nothing about the database was learnt.
    /// </summary>
    public static async Task<string> PsqlInAsync(string container, string sql, string? database = null)
    {
        string[] exec = ["exec", container, "sh", "-c", $"psql -v ON_ERROR_STOP=1 -tA -U \"$POSTGRES_USER\" -d {database ?? "\"$POSTGRES_DB\""} -c \"{sql}\""];
        var result = await DockerHost.RunAsync(exec);
        if (result.ExitCode == 126 && result.Output.Contains("OCI runtime exec failed", StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            result = await DockerHost.RunAsync(exec);
        }

        return result.EnsureSuccess().StandardOutput.Trim();
    }

    /// <summary>Posts a review through Nginx and returns its path.</summary>
    public async Task<string> CreateReviewAsync(string subject)
    {
        using var created = await Proxy.PostAsync(new Uri("/api/reviews", UriKind.Relative),
            new StringContent($"{{\"subject\":\"{subject}\",\"rating\":4}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return created.Headers.Location!.OriginalString;
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
        await GoneAsync();
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

/// <summary>How a task ended: its container's exit code, the task's final state and its error, if any.</summary>
public sealed record TaskEnd(int ExitCode, string State, string Error)
{
    public override string ToString() => Error.Length == 0 ? $"{ExitCode} ({State})" : $"{ExitCode} ({State}: {Error})";
}
