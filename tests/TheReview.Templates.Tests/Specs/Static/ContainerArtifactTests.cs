using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>The container and operations files of each scenario, checked by the tools that will run them.</summary>
[Tier(Tier.Static)]
public sealed partial class ContainerArtifactTests(TemplateHive hive)
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
    [MemberData(nameof(Scenario.DevStackIds), MemberType = typeof(Scenario))]
    public async Task The_development_stack_is_valid_compose(string scenario)
    {
        var docker = await Tools.DockerComposeAsync();
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        (await repository.RunAsync(docker, "compose", "-f", "docker-compose.yml", "config", "--quiet")).EnsureSuccess();
        var config = (await repository.RunAsync(docker, "compose", "-f", "docker-compose.yml", "config", "--format", "json")).EnsureSuccess();
        using var json = JsonDocument.Parse(config.StandardOutput);
        foreach (var service in json.RootElement.GetProperty("services").EnumerateObject())
        {
            foreach (var port in service.Value.TryGetProperty("ports", out var ports) ? ports.EnumerateArray() : default)
            {
                Assert.Equal("127.0.0.1", port.GetProperty("host_ip").GetString());
            }
        }
    }

    /// <summary>
    /// Teams run several generated services on one machine: each development stack, admin UIs included, takes
    /// its project name from the service and every published port from .env, so two never collide.
    /// </summary>
    [Fact]
    public async Task Two_generated_services_with_their_own_env_files_publish_different_ports_under_different_names()
    {
        var docker = await Tools.DockerComposeAsync();
        var orders = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        var billing = (await hive.InstantiateAsync(new Scenario("billing", "Billing", []))).Copy();
        File.Copy(orders.PathOf(".env.example"), orders.PathOf(".env"));
        await File.WriteAllLinesAsync(billing.PathOf(".env"), (await File.ReadAllLinesAsync(billing.PathOf(".env.example")))
            .Select(line => PortSetting().Match(line) is { Success: true } port
                ? $"{port.Groups["key"].Value}={int.Parse(port.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture) + 1000}"
                : line));

        var (ordersName, ordersPorts) = await PublishedAsync(docker, orders);
        var (billingName, billingPorts) = await PublishedAsync(docker, billing);

        Assert.NotEqual(ordersName, billingName);
        Assert.True(ordersPorts.Count >= 7, $"the default stack with its admin UIs publishes {ordersPorts.Count} ports");
        Assert.Empty(ordersPorts.Intersect(billingPorts));
        Figures.Report($"two services side by side: {ordersName} on {string.Join(",", ordersPorts)}; {billingName} on {string.Join(",", billingPorts)}");
    }

    private static async Task<(string Name, List<int> Ports)> PublishedAsync(string docker, GeneratedRepository repository)
    {
        var config = (await repository.RunAsync(docker, "compose", "-f", "docker-compose.yml", "--profile", "admin", "config", "--format", "json")).EnsureSuccess();
        using var json = JsonDocument.Parse(config.StandardOutput);
        var ports = json.RootElement.GetProperty("services").EnumerateObject()
            .SelectMany(service => service.Value.TryGetProperty("ports", out var list) ? list.EnumerateArray().ToList() : [])
            .Select(port => int.Parse(port.GetProperty("published").GetString()!, System.Globalization.CultureInfo.InvariantCulture))
            .Order().ToList();
        return (json.RootElement.GetProperty("name").GetString()!, ports);
    }

    [Theory]
    [MemberData(nameof(Scenario.ProdStackIds), MemberType = typeof(Scenario))]
    public async Task The_production_stack_is_valid_for_compose_and_for_swarm(string scenario)
    {
        var docker = await Tools.DockerComposeAsync();
        var definition = Scenario.ById(scenario);
        var repository = await PreparedCopyAsync(definition);

        (await repository.RunAsync(docker, "compose", "-f", "docker-compose.prod.yml", "config", "--quiet")).EnsureSuccess();
        var stack = (await StackConfigAsync(docker, repository, ExampleAuthority)).EnsureSuccess();

        var services = Yaml(stack.StandardOutput)["services"];
        var api = (YamlMappingNode)services["api"];
        Assert.Equal(definition.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(api, "deploy", "replicas"));
        Assert.Equal("start-first", Scalar(api, "deploy", "update_config", "order"));
        Assert.Equal("rollback", Scalar(api, "deploy", "update_config", "failure_action"));
        Assert.Equal("1", Scalar(api, "deploy", "update_config", "parallelism"));
        Assert.Equal("true", Scalar(api, "read_only"));
        Assert.False(api.Children.ContainsKey("ports"), "the API publishes no port");
        Assert.False(api.Children.ContainsKey("container_name"));
        foreach (var (name, service) in ((YamlMappingNode)services).Children)
        {
            var published = ((YamlMappingNode)service).Children.ContainsKey("ports");
            Assert.True(!published || name.ToString() == "nginx", $"{name} publishes a port; only nginx may");
            // No virtual IPs: services are found by DNS, which also works where the kernel has no IPVS.
            Assert.Equal("dnsrr", Scalar((YamlMappingNode)service, "deploy", "endpoint_mode"));
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
    public async Task Every_make_target_in_help_has_a_description_and_a_valid_recipe(string scenario)
    {
        var make = Tools.Make;
        var definition = Scenario.ById(scenario);
        var repository = await hive.InstantiateAsync(definition);

        var targets = await repository.MakeTargetsAsync();

        Assert.InRange(targets.Count, definition == Scenario.Default ? 30 : 12, 100);
        foreach (var (target, description) in targets)
        {
            Assert.False(string.IsNullOrWhiteSpace(description), $"{target} has no description");
            (await repository.RunAsync(make, "-n", target, "n=3", "name=Example", "file=backups/example")).EnsureSuccess();
        }

        Assert.Equal(targets.Keys.Order(), targets.Keys.Order().Distinct());
    }

    [Fact]
    public async Task The_default_makefile_has_every_target_the_design_names()
    {
        var targets = await (await hive.InstantiateAsync(Scenario.Default)).MakeTargetsAsync();

        Assert.All(
            new[]
            {
                "help", "dev-up", "dev-down", "dev-logs", "dev-shell", "db-migrate", "db-psql", "db-mongo", "db-redis", "test", "lint",
                "lint-fix", "build", "build-prod", "prod-up", "prod-down", "prod-deploy", "prod-scale", "prod-rollback", "health",
                "backup-postgres", "backup-mongo", "backup-redis", "restore-postgres", "restore-mongo", "restore-redis", "certs", "secrets", "clean",
            },
            target => Assert.True(targets.ContainsKey(target), $"make {target} is missing"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("n=abc")]
    [InlineData("n=0")]
    [InlineData("n=-2")]
    public async Task Prod_scale_without_a_whole_number_prints_usage_and_changes_nothing(string argument)
    {
        var make = Tools.Make;
        var repository = await hive.InstantiateAsync(Scenario.Default);

        var result = await repository.RunAsync(make, [.. new[] { "prod-scale", argument }.Where(a => a.Length > 0)]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("usage: make prod-scale n=NUMBER", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("docker service", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scripts/restore-postgres.sh")]
    [InlineData("scripts/restore-redis.sh")]
    [InlineData("scripts/restore-mongo.sh")]
    public async Task A_restore_from_a_missing_file_fails_before_touching_anything(string script)
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);

        var result = await repository.RunAsync(repository.PathOf(script), "backups/does-not-exist");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("does not exist; nothing was changed", result.Output, StringComparison.Ordinal);
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

    /// <summary>
    /// The production stack needs the identity provider: without AUTH_AUTHORITY nothing deploys, and compose says
    /// which variable to set. With --auth none there is nothing to set.
    /// </summary>
    private const string ExampleAuthority = "https://login.example.com/realms/main";

    /// <summary>
    /// The datastores have no way out of the stack: every network they join is internal. The API alone joins
    /// <c>outbound</c>, for its identity provider and a trace collector; Nginx alone joins <c>frontend</c>.
    /// </summary>
    [Fact]
    public async Task Only_the_api_and_nginx_can_leave_the_stacks_internal_network()
    {
        var docker = await Tools.DockerComposeAsync();
        var repository = await PreparedCopyAsync(Scenario.Default);
        var config = (await repository.RunAsync(docker, "compose", "-f", "docker-compose.prod.yml", "config", "--format", "json")).EnsureSuccess();
        using var json = JsonDocument.Parse(config.StandardOutput);

        var internalNetworks = json.RootElement.GetProperty("networks").EnumerateObject()
            .Where(network => network.Value.TryGetProperty("internal", out var value) && value.GetBoolean())
            .Select(network => network.Name).ToHashSet();
        var leaving = json.RootElement.GetProperty("services").EnumerateObject()
            .Where(service => service.Value.TryGetProperty("networks", out _))
            .ToDictionary(service => service.Name, service => service.Value.GetProperty("networks").EnumerateObject()
                .Select(network => network.Name).Where(network => !internalNetworks.Contains(network)).Order().ToList());

        Assert.Equal(["backend"], internalNetworks);
        Assert.Equal(["outbound"], leaving["api"]);
        Assert.Equal(["frontend"], leaving["nginx"]);
        Assert.All(leaving.Where(service => service.Key is not "api" and not "nginx"), service => Assert.Empty(service.Value));
        Figures.Report($"networks leaving the stack: api {string.Join(',', leaving["api"])}, nginx {string.Join(',', leaving["nginx"])}, " +
            $"{leaving.Count - 2} other services none");
    }

    [Fact]
    public async Task Without_an_identity_provider_the_production_stack_refuses_to_deploy_naming_the_variable()
    {
        var docker = await Tools.DockerComposeAsync();
        var repository = await PreparedCopyAsync(Scenario.Default);
        var withoutAuth = await PreparedCopyAsync(Scenario.NoAuth);
        await repository.WriteEnvAsync(new Dictionary<string, string>());
        await withoutAuth.WriteEnvAsync(new Dictionary<string, string>());

        var refused = await repository.RunAsync(docker, "compose", "-f", "docker-compose.prod.yml", "config", "--quiet");
        var refusedBySwarm = await StackConfigAsync(docker, repository, authority: null);
        var accepted = await withoutAuth.RunAsync(docker, "compose", "-f", "docker-compose.prod.yml", "config", "--format", "json");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("set AUTH_AUTHORITY in .env", refused.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, refusedBySwarm.ExitCode);
        Assert.Contains("set AUTH_AUTHORITY in .env", refusedBySwarm.StandardError, StringComparison.Ordinal);
        accepted.EnsureSuccess();
        Assert.DoesNotContain("Auth__", accepted.StandardOutput, StringComparison.Ordinal);
        Figures.Report($"production stack without AUTH_AUTHORITY: exit {refused.ExitCode}, {refused.StandardError.Trim()}");
    }

    /// <summary>
    /// Grafana runs in no test under THEREVIEW_TEST_IMAGES=local (it has no stand-in), so what the stack sends it is checked against
    /// its documented contract: the admin password as a <c>__FILE</c> variable, the sub-path it is served under,
    /// provisioning files where Grafana reads them, a dashboard provider whose path holds every dashboard, and a
    /// datasource that names the stack's Prometheus service and port.
    /// </summary>
    [Fact]
    public async Task Grafana_gets_its_variables_and_provisioning_where_its_image_reads_them()
    {
        var docker = await Tools.DockerComposeAsync();
        var repository = await PreparedCopyAsync(Scenario.Default);
        var config = (await repository.RunAsync(docker, "compose", "-f", "docker-compose.prod.yml", "config", "--format", "json")).EnsureSuccess();
        using var json = JsonDocument.Parse(config.StandardOutput);
        var services = json.RootElement.GetProperty("services");
        var grafana = services.GetProperty("grafana");
        var environment = grafana.GetProperty("environment");

        Assert.Equal("/run/secrets/grafana_admin_password", environment.GetProperty("GF_SECURITY_ADMIN_PASSWORD__FILE").GetString());
        Assert.Contains(grafana.GetProperty("secrets").EnumerateArray(), secret => secret.GetProperty("source").GetString() == "grafana_admin_password");
        Assert.Equal("https://localhost:443/grafana/", environment.GetProperty("GF_SERVER_ROOT_URL").GetString());
        Assert.Equal("true", environment.GetProperty("GF_SERVER_SERVE_FROM_SUB_PATH").GetString());
        Assert.Contains("location /grafana/", repository.Read("deploy/nginx/nginx.conf"), StringComparison.Ordinal);

        var targets = grafana.GetProperty("configs").EnumerateArray().Select(c => c.GetProperty("target").GetString()!).ToList();
        var provider = Yaml(repository.Read("deploy/grafana/provisioning/dashboards/dashboards.yml"));
        var dashboardPath = Scalar((YamlMappingNode)((YamlSequenceNode)provider["providers"])[0], "options", "path");
        Assert.Contains("/etc/grafana/provisioning/datasources/prometheus.yml", targets);
        Assert.Contains("/etc/grafana/provisioning/dashboards/dashboards.yml", targets);
        var dashboards = repository.Files.Where(f => f.StartsWith("deploy/grafana/dashboards/", StringComparison.Ordinal)).ToList();
        Assert.All(dashboards, file => Assert.Contains($"{dashboardPath}/{Path.GetFileName(file)}", targets));

        var datasource = Yaml(repository.Read("deploy/grafana/provisioning/datasources/prometheus.yml"));
        var url = new Uri(Scalar((YamlMappingNode)((YamlSequenceNode)datasource["datasources"])[0], "url")!);
        Assert.True(services.TryGetProperty(url.Host, out _), $"the datasource names {url.Host}, which is no service of the stack");
        Assert.Equal(9090, url.Port);
    }

    /// <summary>
    /// pgAdmin and Mongo Express have no stand-in under THEREVIEW_TEST_IMAGES=local (and Mongo Express needs a MongoDB): the development stack must give
    /// each the variables its image reads (from their images' sources), a login, and the datastore's own
    /// address and credentials.
    /// </summary>
    [Fact]
    public async Task The_admin_uis_get_a_login_and_the_address_and_credentials_of_their_datastore()
    {
        var docker = await Tools.DockerComposeAsync();
        var repository = await hive.InstantiateAsync(Scenario.Default);
        var config = (await repository.RunAsync(docker, "compose", "-f", "docker-compose.yml", "--profile", "admin", "config", "--format", "json")).EnsureSuccess();
        using var json = JsonDocument.Parse(config.StandardOutput);
        var services = json.RootElement.GetProperty("services");
        string Env(string service, string name) => services.GetProperty(service).GetProperty("environment").GetProperty(name).GetString()!;

        Assert.Contains("@", Env("pgadmin", "PGADMIN_DEFAULT_EMAIL"), StringComparison.Ordinal);
        Assert.Equal(Env("postgres", "POSTGRES_PASSWORD"), Env("pgadmin", "PGADMIN_DEFAULT_PASSWORD"));

        var mongoUrl = new Uri(Env("mongo-express", "ME_CONFIG_MONGODB_URL"));
        Assert.Equal("mongo", mongoUrl.Host);
        Assert.Equal($"{Env("mongo", "MONGO_INITDB_ROOT_USERNAME")}:{Env("mongo", "MONGO_INITDB_ROOT_PASSWORD")}", Uri.UnescapeDataString(mongoUrl.UserInfo));
        Assert.Contains("authSource=admin", mongoUrl.Query, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(Env("mongo-express", "ME_CONFIG_BASICAUTH_PASSWORD")), "Mongo Express without a login");

        var redisHost = Env("redis-commander", "REDIS_HOSTS").Split(':');
        Assert.Equal(["local", "redis", "6379", "0"], redisHost[..4]);
        var redisCommand = services.GetProperty("redis").GetProperty("command").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal(redisCommand[redisCommand.IndexOf("--requirepass") + 1], redisHost[4]);
        Assert.False(string.IsNullOrEmpty(Env("redis-commander", "HTTP_PASSWORD")), "Redis Commander without a login");
    }

    /// <summary>A copy of the scenario's repository with its secrets and certificate made by its own scripts.</summary>
    private async Task<GeneratedRepository> PreparedCopyAsync(Scenario scenario)
    {
        var copy = (await hive.InstantiateAsync(scenario)).Copy();
        (await copy.RunAsync(copy.PathOf("scripts/secrets.sh"))).EnsureSuccess();
        (await copy.RunAsync(copy.PathOf("scripts/certs.sh"))).EnsureSuccess();
        await copy.WriteEnvAsync(new Dictionary<string, string> { ["AUTH_AUTHORITY"] = ExampleAuthority });
        return copy;
    }

    /// <summary><c>docker stack</c> reads no .env: the Makefile exports it, so the variable comes from the environment.</summary>
    private static Task<CommandResult> StackConfigAsync(string docker, GeneratedRepository repository, string? authority) =>
        Shell.RunAsync(docker, ["stack", "config", "-c", "docker-compose.prod.yml"], repository.Directory,
            new Dictionary<string, string?> { ["AUTH_AUTHORITY"] = authority });

    private static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return ((YamlScalarNode)current).Value;
    }

    [GeneratedRegex("^(?<key>[A-Z_]+_PORT)=(?<port>[0-9]+)$")]
    private static partial Regex PortSetting();
}
