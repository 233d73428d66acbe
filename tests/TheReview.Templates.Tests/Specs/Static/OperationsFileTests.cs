using System.Text.Json;
using static TheReview.Templates.Tests.Infrastructure.ResolvedCompose;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>Which operations files each setup generates, and each checked by the tool that will read it (promtool, shellcheck, YAML and JSON parsers).</summary>
[Tier(Tier.Static)]
public sealed class OperationsFileTests(TemplateHive hive)
{
    [Fact]
    public async Task Setups_decide_which_stacks_and_files_are_generated()
    {
        foreach (var scenario in Scenario.Snapshotted)
        {
            var repository = await hive.InstantiateAsync(scenario);
            var monitoring = scenario.HasProdStack && scenario.Has("monitoring");
            Assert.True(repository.Exists("docker-compose.yml") == scenario.HasDevStack, $"{scenario}: docker-compose.yml");
            Assert.True(repository.Exists("docker-compose.prod.yml") == scenario.HasProdStack, $"{scenario}: docker-compose.prod.yml");
            Assert.True(repository.Exists("deploy/nginx/nginx.conf") == scenario.HasProdStack, $"{scenario}: nginx");
            Assert.True(repository.Exists("scripts/secrets.sh") == scenario.HasProdStack, $"{scenario}: secrets script");
            Assert.True(repository.Exists("deploy/prometheus/prometheus.yml") == monitoring, $"{scenario}: prometheus");
            Assert.True(repository.Exists("deploy/grafana/dashboards/api-performance.json") == monitoring, $"{scenario}: grafana");
            Assert.All(new[] { "Dockerfile", ".env.example", "Makefile", ".gitattributes", "README.md", "docs/architecture.md" },
                file => Assert.True(repository.Exists(file), $"{scenario}: {file}"));
            var adminUi = repository.Exists("docker-compose.yml") && repository.Read("docker-compose.yml").Contains("profiles: [admin]", StringComparison.Ordinal);
            Assert.True(adminUi == (scenario.HasDevStack && scenario.Has("admin-uis") && (scenario.Has("postgres") || scenario.Has("mongo") || scenario.Has("redis"))), $"{scenario}: admin UIs");
        }
    }

    [Theory]
    [MemberData(nameof(Scenario.MonitoringIds), MemberType = typeof(Scenario))]
    public async Task Prometheus_configuration_and_alert_rules_pass_promtool_and_their_unit_tests(string scenario)
    {
        var promtool = Tools.Promtool;
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var directory = repository.PathOf("deploy/prometheus");

        (await Shell.RunAsync(promtool, ["check", "config", "prometheus.yml"], directory)).EnsureSuccess();
        (await Shell.RunAsync(promtool, ["check", "rules", "alerts.yml"], directory)).EnsureSuccess();
        var tests = (await Shell.RunAsync(promtool, ["test", "rules", "alerts.test.yml"], directory)).EnsureSuccess();
        Assert.Contains("SUCCESS", tests.Output, StringComparison.Ordinal);
        foreach (var alert in new[] { "ApiDown", "ApiHighErrorRate", "ApiHighLatency", "ApiHighMemory", "DatastoreUnhealthy" })
        {
            Assert.Contains($"alertname: {alert}", repository.Read("deploy/prometheus/alerts.test.yml"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Every_shell_script_passes_shellcheck(string scenario)
    {
        var shellcheck = Tools.ShellCheck;
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var scripts = repository.Files.Where(f => f.EndsWith(".sh", StringComparison.Ordinal)).ToArray();

        Assert.NotEmpty(scripts);
        (await repository.RunAsync(shellcheck, ["-x", .. scripts])).EnsureSuccess();
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task Every_yaml_file_parses(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var files = repository.Files.Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Yaml(repository.Read(file)));
    }

    [Theory]
    [MemberData(nameof(Scenario.MonitoringIds), MemberType = typeof(Scenario))]
    public async Task Every_dashboard_parses_and_names_the_provisioned_datasource(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var dashboards = repository.Files.Where(f => f.StartsWith("deploy/grafana/dashboards/", StringComparison.Ordinal)).ToList();

        Assert.Contains("deploy/grafana/dashboards/api-performance.json", dashboards);
        Assert.Contains("deploy/grafana/dashboards/system-overview.json", dashboards);
        foreach (var file in dashboards)
        {
            var text = repository.Read(file);
            Assert.DoesNotContain("${DS_", text, StringComparison.Ordinal);
            using var dashboard = JsonDocument.Parse(text);
            Assert.NotEmpty(dashboard.RootElement.GetProperty("panels").EnumerateArray());
            foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                Assert.Equal("prometheus", panel.GetProperty("datasource").GetProperty("uid").GetString());
            }

            Assert.Contains(Path.GetFileName(file), repository.Read("docker-compose.prod.yml"), StringComparison.Ordinal);
        }
    }
}
