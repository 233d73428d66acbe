using System.Diagnostics;
using System.Net;

namespace TheReview.Templates.Tests.Specs.Stack;

/// <summary>
/// What operators repeat on the Swarm stack, under 20 requests/s through Nginx over TLS: an edited nginx.conf,
/// alert rule or dashboard deployed again with <c>make prod-deploy</c>, a deploy with nothing changed, and a
/// broken file refused before anything running is replaced. Each spec puts the file back and deploys again.
/// </summary>
[Collection(ProductionDeployment.Name)]
[Tier(Tier.Stack)]
public sealed class DayTwoOperationsTests(SwarmDeployment stack)
{
    private const string NginxConf = "deploy/nginx/nginx.conf";
    private const string Alerts = "deploy/prometheus/alerts.yml";
    private const string Dashboard = "deploy/grafana/dashboards/api-performance.json";

    [Fact]
    public async Task A_second_deploy_with_nothing_changed_changes_nothing()
    {
        // The first deploy brings every service to the files' state (other specs roll releases back and forth).
        await DeployAsync();
        var before = await stack.TasksByServiceAsync();

        await DeployAsync();

        Assert.Equal(before, await stack.TasksByServiceAsync());
        Assert.Equal(HttpStatusCode.OK, await stack.StatusAsync("/health/ready"));
    }

    [Fact]
    public async Task An_edited_nginx_conf_deploys_and_its_header_is_served_each_time()
    {
        var original = await File.ReadAllTextAsync(stack.Workspace.Repository.PathOf(NginxConf));
        try
        {
            foreach (var release in new[] { "day-2-a", "day-2-b" })
            {
                await EditAsync(NginxConf, original.Replace(
                    "        add_header Cross-Origin-Resource-Policy \"same-origin\" always;\n",
                    $"        add_header Cross-Origin-Resource-Policy \"same-origin\" always;\n        add_header X-Config-Release \"{release}\" always;\n",
                    StringComparison.Ordinal));
                await using var load = await LoadGenerator.StartAsync(stack.Proxy, stack.ReviewPath);
                var clock = Stopwatch.StartNew();
                await DeployAsync();
                var live = await Poll.UntilAsync(async () => await HeaderAsync("X-Config-Release") == release, TimeSpan.FromMinutes(2), $"header of {release}");
                await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
                var report = await load.StopAsync();

                // One Nginx per node with host-mode ports updates stop-first: on one node new connections
                // are refused while the new task starts. The figure is reported; the bound keeps it short.
                Figures.Report($"nginx.conf edit ({release}) live {clock.Elapsed.TotalSeconds:F1} s after make prod-deploy (header seen after {live.TotalSeconds:F1} s): {report}");
                Assert.True(report.Interruption < TimeSpan.FromSeconds(15), report.ToString());
                // Not left pending beside the old task: the new one passes its health check and runs alone.
                await Poll.UntilAsync(async () => (await NginxTasksAsync()).Count == 1, TimeSpan.FromMinutes(2), "one running Nginx task");
            }
        }
        finally
        {
            await EditAsync(NginxConf, original);
            await DeployAsync();
            await Poll.UntilAsync(async () => await HeaderAsync("X-Config-Release") is null, TimeSpan.FromMinutes(2), "original nginx.conf");
        }
    }

    [Fact]
    public async Task An_edited_alert_rule_is_evaluated_by_prometheus_with_no_failed_request()
    {
        var original = await File.ReadAllTextAsync(stack.Workspace.Repository.PathOf(Alerts));
        try
        {
            foreach (var alert in new[] { "DeployedByDayTwoA", "DeployedByDayTwoB" })
            {
                await EditAsync(Alerts, AddAlert(original, alert));
                await using var load = await LoadGenerator.StartAsync(stack.Proxy, stack.ReviewPath);
                var clock = Stopwatch.StartNew();
                await DeployAsync();
                await Poll.UntilAsync(async () => (await QueryPrometheusAsync($"ALERTS{{alertname=\"{alert}\"}}")).Contains(alert, StringComparison.Ordinal),
                    TimeSpan.FromMinutes(3), $"alert {alert} evaluated");
                var report = await load.StopAsync();

                Figures.Report($"alert rule edit ({alert}) evaluated {clock.Elapsed.TotalSeconds:F1} s after make prod-deploy: {report}");
                Assert.True(report.Failures == 0, $"{report}: {string.Join("; ", report.FailureSamples)}");
            }
        }
        finally
        {
            await EditAsync(Alerts, original);
            await DeployAsync();
        }
    }

    [Fact]
    public async Task An_edited_dashboard_deploys_as_a_new_config_that_grafana_reads_with_no_failed_request()
    {
        var original = await File.ReadAllTextAsync(stack.Workspace.Repository.PathOf(Dashboard));
        var tasks = await stack.TasksByServiceAsync();
        try
        {
            foreach (var title in new[] { "API performance (day 2 a)", "API performance (day 2 b)" })
            {
                var edited = original.Replace("\"title\": \"API performance\"", $"\"title\": \"{title}\"", StringComparison.Ordinal);
                Assert.NotEqual(original, edited);
                await EditAsync(Dashboard, edited);
                await using var load = await LoadGenerator.StartAsync(stack.Proxy, stack.ReviewPath);
                await DeployAsync();
                var report = await load.StopAsync();

                var mounted = await ConfigContentAsync("grafana", "/var/lib/grafana/dashboards/api-performance.json");
                Assert.Equal(edited.TrimEnd(), mounted.TrimEnd());
                Figures.Report($"dashboard edit ({title}): {report}");
                Assert.True(report.Failures == 0, $"{report}: {string.Join("; ", report.FailureSamples)}");
            }

            var after = await stack.TasksByServiceAsync();
            Assert.All(new[] { "api", "nginx", "prometheus" }, service => Assert.Equal(tasks[service], after[service]));
        }
        finally
        {
            await EditAsync(Dashboard, original);
            await DeployAsync();
        }
    }

    [Theory]
    [InlineData(NginxConf, "nginx", "    server_tokens off;\n", "    server_tokens off\n")]
    [InlineData(Alerts, "prometheus", "    rules:\n", "    rules:\n      - alert: Broken\n        expr: rate(\n")]
    public async Task A_broken_file_is_refused_by_make_prod_deploy_before_anything_running_is_replaced(string file, string reader, string from, string to)
    {
        var original = await File.ReadAllTextAsync(stack.Workspace.Repository.PathOf(file));
        await stack.SettledAsync();
        var before = await TasksOfAsync(reader, "api");
        try
        {
            var broken = original.Replace(from, to, StringComparison.Ordinal);
            Assert.NotEqual(original, broken);
            await EditAsync(file, broken);
            await using var load = await LoadGenerator.StartAsync(stack.Proxy, stack.ReviewPath);

            var deploy = await stack.Workspace.MakeAsync("prod-deploy", stack.ProdFiles);
            await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
            var report = await load.StopAsync();

            Assert.NotEqual(0, deploy.ExitCode);
            Assert.Contains($"{file}", deploy.Output, StringComparison.Ordinal);
            Assert.Contains("nothing was deployed", deploy.Output, StringComparison.Ordinal);
            Assert.Equal(before, await TasksOfAsync(reader, "api"));
            Assert.True(report.Failures == 0, $"{report}: {string.Join("; ", report.FailureSamples)}");
            Figures.Report($"broken {file} refused by make prod-deploy; the stack kept serving: {report}");
        }
        finally
        {
            await EditAsync(file, original);
        }
    }

    private async Task DeployAsync()
    {
        await stack.RedeployAsync();
        await stack.SettledAsync();
    }

    /// <summary>The tasks of the named services: the same ids mean none was started or replaced.</summary>
    private async Task<string[]> TasksOfAsync(params string[] services)
    {
        var tasks = await stack.TasksByServiceAsync();
        return [.. services.Select(service => $"{service}: {tasks[service]}")];
    }

    private Task EditAsync(string file, string content) => File.WriteAllTextAsync(stack.Workspace.Repository.PathOf(file), content);

    private static string AddAlert(string rules, string alert)
    {
        const string anchor = "    rules:\n";
        var index = rules.IndexOf(anchor, StringComparison.Ordinal);
        Assert.True(index >= 0, "alerts.yml has no rules list");
        return rules.Insert(index + anchor.Length,
            $"      - alert: {alert}\n        expr: vector(1)\n        labels:\n          severity: info\n        annotations:\n          summary: deployed by the day-2 spec\n");
    }

    private async Task<string?> HeaderAsync(string name)
    {
        try
        {
            using var response = await stack.Proxy.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
        }
        catch (HttpRequestException)
        {
            return "unreachable";
        }
    }

    /// <summary>An instant query inside the Prometheus container; empty while a new Prometheus task replaces the old one.</summary>
    private async Task<string> QueryPrometheusAsync(string query)
    {
        var containers = (await DockerHost.RunAsync("ps", "--quiet", "--filter", $"label=com.docker.swarm.service.name={stack.Name}_prometheus")).StandardOutput.Trim();
        return containers.Length == 0
            ? ""
            : string.Join('\n', await DockerHost.TryPrometheusQueryAsync(containers.Split('\n')[0], query) ?? []);
    }

    /// <summary>The content of the config a service mounts at a path, read from the service's spec (works at zero replicas).</summary>
    private async Task<string> ConfigContentAsync(string service, string target)
    {
        var configs = (await DockerHost.RunAsync("service", "inspect", "--format",
            "{{range .Spec.TaskTemplate.ContainerSpec.Configs}}{{.File.Name}}|{{.ConfigName}}\n{{end}}", $"{stack.Name}_{service}")).EnsureSuccess().StandardOutput;
        var name = configs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).Single(p => p[0] == target)[1];
        return (await DockerHost.RunAsync("config", "inspect", "--format", "{{printf \"%s\" .Spec.Data}}", name)).EnsureSuccess().StandardOutput;
    }

    private async Task<List<string>> NginxTasksAsync() =>
        [.. (await DockerHost.RunAsync("service", "ps", $"{stack.Name}_nginx", "--filter", "desired-state=running", "--format", "{{.CurrentState}}"))
            .EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(s => s.StartsWith("Running", StringComparison.Ordinal))];
}
