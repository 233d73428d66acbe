using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static TheReview.Templates.Tests.Infrastructure.ResolvedCompose;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>The stack files of each scenario as docker compose and Swarm resolve them (<see cref="ResolvedCompose"/>).</summary>
[Tier(Tier.Static)]
public sealed partial class ComposeFileTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(Scenario.DevStackIds), MemberType = typeof(Scenario))]
    public async Task The_development_stack_is_valid_compose(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        using var json = await OfAsync(repository, "docker-compose.yml");
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
        var orders = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        var billing = (await hive.InstantiateAsync(new Scenario("billing", "Billing", []))).Copy();
        File.Copy(orders.PathOf(".env.example"), orders.PathOf(".env"));
        await File.WriteAllLinesAsync(billing.PathOf(".env"), (await File.ReadAllLinesAsync(billing.PathOf(".env.example")))
            .Select(line => PortSetting().Match(line) is { Success: true } port
                ? $"{port.Groups["key"].Value}={int.Parse(port.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture) + 1000}"
                : line));

        var (ordersName, ordersPorts) = await PublishedAsync(orders);
        var (billingName, billingPorts) = await PublishedAsync(billing);

        Assert.NotEqual(ordersName, billingName);
        Assert.True(ordersPorts.Count >= 7, $"the default stack with its admin UIs publishes {ordersPorts.Count} ports");
        Assert.Empty(ordersPorts.Intersect(billingPorts));
        Figures.Report($"two services side by side: {ordersName} on {string.Join(",", ordersPorts)}; {billingName} on {string.Join(",", billingPorts)}");
    }

    private static async Task<(string Name, List<int> Ports)> PublishedAsync(GeneratedRepository repository)
    {
        using var json = await OfAsync(repository, "docker-compose.yml", "admin");
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
        var definition = Scenario.ById(scenario);
        var repository = await PreparedCopyAsync(hive, definition);

        (await ResolvedCompose.RunAsync(repository, "docker-compose.prod.yml")).EnsureSuccess();
        var stack = (await SwarmAsync(repository, ExampleAuthority)).EnsureSuccess();

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

    /// <summary>
    /// The datastores have no way out of the stack: every network they join is internal. The API alone joins
    /// <c>outbound</c>, for its identity provider and a trace collector; Nginx alone joins <c>frontend</c>.
    /// </summary>
    [Fact]
    public async Task Only_the_api_and_nginx_can_leave_the_stacks_internal_network()
    {
        var repository = await PreparedCopyAsync(hive, Scenario.Default);
        using var json = await OfAsync(repository, "docker-compose.prod.yml");

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
        var repository = await PreparedCopyAsync(hive, Scenario.Default);
        var withoutAuth = await PreparedCopyAsync(hive, Scenario.NoAuth);
        await repository.WriteEnvAsync(new Dictionary<string, string>());
        await withoutAuth.WriteEnvAsync(new Dictionary<string, string>());

        var refused = await ResolvedCompose.RunAsync(repository, "docker-compose.prod.yml");
        var refusedBySwarm = await SwarmAsync(repository, authority: null);
        var accepted = await ResolvedCompose.RunAsync(withoutAuth, "docker-compose.prod.yml");

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
        var repository = await PreparedCopyAsync(hive, Scenario.Default);
        using var json = await OfAsync(repository, "docker-compose.prod.yml");
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
        var repository = await hive.InstantiateAsync(Scenario.Default);
        using var json = await OfAsync(repository, "docker-compose.yml", "admin");
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

    /// <summary>
    /// What compose and Swarm make of each stack file is snapshotted, so a change to the files that changes what
    /// runs shows in review, and a rewrite that should change nothing (anchors, extension fields) proves it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task What_compose_and_swarm_resolve_is_snapshotted(string scenario)
    {
        var definition = Scenario.ById(scenario);
        var repository = definition.HasProdStack ? await PreparedCopyAsync(hive, definition) : (await hive.InstantiateAsync(definition)).Copy();
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        if (definition.HasDevStack)
        {
            resolved["docker-compose.yml.json"] = WhatRuns(await OfAsync(repository, "docker-compose.yml", "*"));
        }

        if (definition.HasProdStack)
        {
            resolved["docker-compose.prod.yml.json"] = WhatRuns(await OfAsync(repository, "docker-compose.prod.yml"));
            resolved["docker-stack.yml"] = WhatRuns((await SwarmAsync(repository, ExampleAuthority)).EnsureSuccess().StandardOutput);
        }

        Snapshot.Verify($"resolved/{scenario}", resolved.ToDictionary(entry => entry.Key, entry => entry.Value.Replace(repository.Directory, "<repository>", StringComparison.Ordinal), StringComparer.Ordinal));
    }

    /// <summary>The resolved file without its extension fields (x-...), which compose echoes but nothing runs.</summary>
    private static string WhatRuns(System.Text.Json.JsonDocument resolved)
    {
        using (resolved)
        {
            var root = System.Text.Json.Nodes.JsonNode.Parse(resolved.RootElement.GetRawText())!.AsObject();
            foreach (var extension in root.Select(property => property.Key).Where(key => key.StartsWith("x-", StringComparison.Ordinal)).ToList())
            {
                root.Remove(extension);
            }

            return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        }
    }

    /// <summary>The same for what <c>docker stack config</c> prints: its top-level x-... blocks left out.</summary>
    private static string WhatRuns(string stack)
    {
        var kept = new List<string>();
        var extension = false;
        foreach (var line in stack.Split('\n'))
        {
            extension = line.StartsWith("x-", StringComparison.Ordinal) || (extension && (line.Length == 0 || line[0] == ' '));
            if (!extension)
            {
                kept.Add(line);
            }
        }

        return string.Join('\n', kept);
    }

    [GeneratedRegex("^(?<key>[A-Z_]+_PORT)=(?<port>[0-9]+)$")]
    private static partial Regex PortSetting();
}
