using System.Text.Json;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// The Kubernetes manifests, as deep as a machine without a Kubernetes API server goes (tests/images/README.md):
/// every overlay rendered by kubectl's own Kustomize, loaded strictly into the Kubernetes API's types (unknown
/// fields, wrong types and removed API versions are refused), then held to the rules no schema checks
/// (<see cref="KubernetesRules"/>): selectors against labels, ports and probes against the app's, settings and
/// secrets against what the app reads and the compose file gives it, least privilege, network policies.
/// </summary>
[Tier(Tier.Static)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KubernetesManifestTests(TemplateHive hive)
{
    private static readonly string[] Overlays = ["local", "production", "staging"];

    [Theory]
    [MemberData(nameof(Scenario.KubernetesIds), MemberType = typeof(Scenario))]
    public async Task Every_overlay_renders_into_valid_objects_that_fit_the_app_and_each_other(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var expected = ExpectationsOf(repository);

        Assert.Equal(Overlays, Directory.GetDirectories(repository.PathOf("deploy/kubernetes/overlays")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var figures = new List<string>();
        var rendered = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var overlay in Overlays)
        {
            var yaml = await RenderAsync(repository, $"deploy/kubernetes/overlays/{overlay}");
            rendered[$"{overlay}.yaml"] = yaml;
            var objects = KubernetesRules.Load(yaml);
            Assert.Equal([], await KubernetesModels.ProblemsAsync(yaml));
            Assert.Equal([], KubernetesRules.Check(objects, expected));
            figures.Add($"{overlay}: {objects.Count} objects ({string.Join(", ", objects.Select(o => ((IKubernetesObject)o).Kind).Order(StringComparer.Ordinal))})");
        }

        // What kubectl renders is reviewed like the generated files: a change to it shows in the snapshot's diff.
        Snapshot.Verify($"kubernetes/{scenario}", rendered);
        Figures.Report(string.Join("; ", figures));
    }

    /// <summary>
    /// Each validator refuses the mistakes it exists for, made in the default repository's rendered production
    /// overlay: KubernetesClient's strict load the unknown field and the removed API version, kubernetes-models the
    /// missing required field, the wrong type and the value outside an enum. The figures say which sees which.
    /// </summary>
    [Theory]
    [InlineData("a misspelt field", "  revisionHistoryLimit: 5\n", "  revisionHistoryLimit: 5\n  replica: 3\n", true, false)]
    [InlineData("a removed API version", "apiVersion: autoscaling/v2\n", "apiVersion: autoscaling/v2beta1\n", true, false)]
    [InlineData("a string replica count", "  replicas: 3\n", "  replicas: \"3\"\n", false, true)]
    [InlineData("a container without a name", "        name: api\n", "", false, true)]
    [InlineData("a value outside an enum", "      type: RuntimeDefault\n", "      type: Sometimes\n", false, true)]
    public async Task Each_validator_refuses_the_mistakes_it_exists_for(string mistake, string find, string replace, bool clientRefuses, bool modelsRefuses)
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);
        var rendered = await RenderAsync(repository, "deploy/kubernetes/overlays/production");
        var index = rendered.IndexOf(find, StringComparison.Ordinal);
        Assert.True(index >= 0, $"the rendered overlay has no '{find.Trim()}' to break");
        var broken = string.Concat(rendered.AsSpan(0, index), replace, rendered.AsSpan(index + find.Length));

        var client = Record.Exception(() => KubernetesRules.Load(broken));
        var models = await KubernetesModels.ProblemsAsync(broken);

        Assert.Equal(clientRefuses, client is not null);
        Assert.Equal(modelsRefuses, models.Count > 0);
        Figures.Report($"{mistake}: KubernetesClient {(client is null ? "accepts it" : $"refuses it ({client.Message.Split('\n')[0]})")}; kubernetes-models {(models.Count == 0 ? "accepts it" : $"refuses it ({models[0]})")}");
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "service selector", "the Service selects the API's pods" },
        { "readiness on the public port", "a probe asks /health/ready on the management port" },
        { "root user", "runs as the image's app user" },
        { "no secret mount", "a Secret is mounted where" },
        { "api as owner", "the API logs in to PostgreSQL as the data-only role" },
        { "migration as app", "the migration Job logs in as the owner role" },
        { "no default deny", "a default-deny policy covers every pod" },
        { "ingress to management", "the Ingress routes to the Service's public port only" },
        { "short grace period", "the grace period covers" },
        { "budget too loose", "the disruption budget leaves pods running" },
        { "other management port", "the container's management port is the app's Management:Port" },
        { "no redis egress", "the API may reach its datastore on port 6379" },
        { "writable root", "has a read-only root" },
        { "wrong namespace", "is in namespace" },
    };

    /// <summary>Each rule fails on the mistake it exists for, made in the default repository's production objects.</summary>
    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Each_rule_catches_its_mistake(string mistake, string problem)
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);
        var objects = KubernetesRules.Load(await RenderAsync(repository, "deploy/kubernetes/overlays/production"));
        var deployment = objects.OfType<V1Deployment>().Single();
        var api = deployment.Spec.Template.Spec.Containers.Single();
        var job = objects.OfType<V1Job>().Single();

        switch (mistake)
        {
            case "service selector": objects.OfType<V1Service>().Single().Spec.Selector["app.kubernetes.io/name"] = "another-app"; break;
            case "readiness on the public port": api.ReadinessProbe.HttpGet.Port = "http"; break;
            case "root user": deployment.Spec.Template.Spec.SecurityContext.RunAsUser = 0; break;
            case "no secret mount": api.VolumeMounts.Remove(api.VolumeMounts.Single(m => m.MountPath == "/run/secrets")); break;
            case "api as owner": ReplaceInSetting(ConfigMap(objects, api), "_app;", "_owner;"); break;
            case "migration as app": ReplaceInSetting(ConfigMap(objects, job.Spec.Template.Spec.Containers.Single()), "_owner;", "_app;"); break;
            case "no default deny": objects.Remove(objects.OfType<V1NetworkPolicy>().Single(p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 })); break;
            case "ingress to management": objects.OfType<V1Ingress>().Single().Spec.Rules[0].Http.Paths[0].Backend.Service.Port = new V1ServiceBackendPort { Name = "management" }; break;
            case "short grace period": deployment.Spec.Template.Spec.TerminationGracePeriodSeconds = 10; break;
            case "budget too loose": objects.OfType<V1PodDisruptionBudget>().Single().Spec.MaxUnavailable = "3"; break;
            case "other management port": api.Ports.Single(p => p.Name == "management").ContainerPort = 9090; break;
            case "no redis egress": ApiPolicy(objects, deployment).Spec.Egress.Last().Ports.Remove(ApiPolicy(objects, deployment).Spec.Egress.Last().Ports.Single(p => p.Port.Value == "6379")); break;
            case "writable root": job.Spec.Template.Spec.Containers.Single().SecurityContext.ReadOnlyRootFilesystem = false; break;
            case "wrong namespace": objects.OfType<V1ConfigMap>().First().Metadata.NamespaceProperty = "default"; break;
            default: throw new ArgumentOutOfRangeException(nameof(mistake), mistake, "no such mistake");
        }

        var problems = KubernetesRules.Check(objects, ExpectationsOf(repository));

        Assert.Contains(problems, found => found.Contains(problem, StringComparison.Ordinal));
        Figures.Report($"{mistake}: {string.Join("; ", problems)}");
    }

    /// <summary>
    /// The local overlay (kind, k3d, minikube) runs each datastore from the image the production stack pins, set up
    /// by the same init script, with a Secret that make k8s-secrets makes, behind a Service the API's connection names.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenario.KubernetesIds), MemberType = typeof(Scenario))]
    public async Task The_local_overlay_runs_the_production_stacks_datastores_for_the_api(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var objects = KubernetesRules.Load(await RenderAsync(repository, "deploy/kubernetes/overlays/local"));
        var compose = new YamlStream();
        compose.Load(new StringReader(repository.Read("docker-compose.prod.yml")));
        var services = (YamlMappingNode)((YamlMappingNode)compose.Documents[0].RootNode)["services"];
        var script = repository.Read("scripts/k8s.sh");
        var api = objects.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single();
        var apiSettings = ConfigMap(objects, api).Data;

        var stores = objects.OfType<V1StatefulSet>().ToList();
        Assert.Equal(
            new[] { "mongo", "postgres", "redis" }.Where(store => repository.Scenario.Has(store)),
            stores.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
        foreach (var store in stores)
        {
            var name = store.Metadata.Name;
            var pod = store.Spec.Template.Spec;
            var container = pod.Containers.Single();
            var pinned = System.Text.RegularExpressions.Regex.Match(((YamlScalarNode)((YamlMappingNode)services[name])["image"]).Value!, @":-([^}]+)\}").Groups[1].Value;
            Assert.Equal(pinned, container.Image);
            Assert.True(pod.SecurityContext.RunAsNonRoot == true && pod.SecurityContext.SeccompProfile.Type == "RuntimeDefault", $"{name} runs as non-root with the runtime's seccomp profile");
            var secret = pod.Volumes.Single(v => v.Secret is not null).Secret.SecretName;
            Assert.Contains($"secret_from_files {secret} ", script, StringComparison.Ordinal);
            var service = objects.OfType<V1Service>().Single(s => s.Metadata.Name == name);
            Assert.All(service.Spec.Selector, label => Assert.Equal(label.Value, store.Spec.Template.Metadata.Labels[label.Key]));
            Assert.Contains(apiSettings.Values, value => value.Contains($"{name}:{service.Spec.Ports.Single().Port}", StringComparison.Ordinal)
                || value.Contains($"Host={name};Port={service.Spec.Ports.Single().Port}", StringComparison.Ordinal));
            var init = pod.Volumes.SingleOrDefault(v => v.ConfigMap is not null);
            if (name is "postgres" or "mongo")
            {
                var map = objects.OfType<V1ConfigMap>().Single(m => m.Metadata.Name == init!.ConfigMap.Name);
                var source = name == "postgres" ? "deploy/postgres/roles.sh" : "deploy/mongo/app-user.js";
                Assert.Equal(repository.Read(source), map.Data.Values.Single());
                Assert.Contains(container.VolumeMounts, m => m.Name == init!.Name && m.MountPath == "/docker-entrypoint-initdb.d");
            }
        }

        Figures.Report($"{scenario}, local overlay: {string.Join(", ", stores.Select(s => $"{s.Metadata.Name} ({s.Spec.Template.Spec.Containers.Single().Image})"))}");
    }

    /// <summary>The Prometheus Operator's ServiceMonitor (a custom resource, so outside the API's types) scrapes the management port.</summary>
    [Fact]
    public async Task The_prometheus_operator_component_scrapes_the_management_port_of_the_apis_service()
    {
        var repository = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        var service = KubernetesRules.Load(await RenderAsync(repository, "deploy/kubernetes/overlays/production")).OfType<V1Service>().Single();
        // As the component's own comment tells a team: the overlay lists it.
        await File.AppendAllTextAsync(repository.PathOf("deploy/kubernetes/overlays/production/kustomization.yaml"),
            "components:\n  - ../../components/prometheus-operator\n");

        var documents = new YamlStream();
        documents.Load(new StringReader(await RenderAsync(repository, "deploy/kubernetes/overlays/production")));
        var monitor = documents.Documents.Select(d => (YamlMappingNode)d.RootNode).Single(d => d["kind"].ToString() == "ServiceMonitor");

        var selector = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)monitor["spec"])["selector"])["matchLabels"];
        var endpoint = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)monitor["spec"])["endpoints"]).Single();
        Assert.All(selector.Children, label => Assert.Equal(label.Value.ToString(), service.Metadata.Labels[label.Key.ToString()]));
        Assert.Equal("management", endpoint["port"].ToString());
        Assert.Contains(service.Spec.Ports, port => port.Name == "management" && port.TargetPort.Value == "management");
        Assert.Equal(service.Metadata.NamespaceProperty, ((YamlMappingNode)monitor["metadata"])["namespace"].ToString());
    }

    /// <summary>
    /// scripts/k8s.sh (behind make k8s-*) against a kubectl stand-in that records what it is asked: an unknown overlay,
    /// no cluster context, a missing Secret or missing secret files stop it with a message, before anything is applied.
    /// </summary>
    [Theory]
    [InlineData("render", "nope", "context", "unknown OVERLAY=nope: choose one of local production staging")]
    [InlineData("apply", "production", "", "kubectl has no current context")]
    [InlineData("apply", "production", "context", "the Secret orders-tls is missing in namespace orders: run make k8s-secrets OVERLAY=production first")]
    [InlineData("secrets", "staging", "context", "secrets/tls.crt is missing")]
    public async Task The_k8s_targets_stop_on_bad_input_before_applying_anything(string command, string overlay, string context, string message)
    {
        var repository = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        var bin = PackPaths.NewTempDirectory("kubectl-stand-in");
        var record = Path.Combine(bin, "calls.txt");
        await StandIn.WriteAsync(bin, "kubectl", $$"""
            #!/bin/sh
            echo "$*" >> "{{record}}"
            case "$1 $2" in
              "config current-context") [ -n "{{context}}" ] && echo "{{context}}" && exit 0; exit 1 ;;
              "get secret") exit 1 ;;
              "kustomize "*) exec {{TestServices.Program("kubectl", "/usr/bin/kubectl")}} "$@" ;;
            esac
            exit 0
            """);

        var result = await Shell.RunAsync(repository.PathOf("scripts/k8s.sh"), [command], repository.Directory, new Dictionary<string, string?>
        {
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}",
            ["OVERLAY"] = overlay,
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message.Replace("namespace orders", $"namespace {NamespaceOf(repository, overlay)}", StringComparison.Ordinal), result.StandardError, StringComparison.Ordinal);
        var calls = File.Exists(record) ? await File.ReadAllLinesAsync(record) : [];
        Assert.DoesNotContain(calls, call => call.StartsWith("apply", StringComparison.Ordinal) || call.StartsWith("delete", StringComparison.Ordinal) || call.StartsWith("create", StringComparison.Ordinal));
        Figures.Report($"make k8s-{command} OVERLAY={overlay}: exit {result.ExitCode}, \"{result.StandardError.Trim()}\"; kubectl asked: {string.Join(" | ", calls)}");
    }

    private static string NamespaceOf(GeneratedRepository repository, string overlay) =>
        File.Exists(repository.PathOf($"deploy/kubernetes/overlays/{overlay}/kustomization.yaml"))
            ? repository.Read($"deploy/kubernetes/overlays/{overlay}/kustomization.yaml").Split('\n').Single(l => l.StartsWith("namespace:", StringComparison.Ordinal))["namespace:".Length..].Trim()
            : string.Empty;

    private static async Task<string> RenderAsync(GeneratedRepository repository, string overlay) =>
        (await Shell.RunAsync(TestServices.Program("kubectl", "/usr/bin/kubectl"), ["kustomize", "--load-restrictor", "LoadRestrictionsNone", overlay], repository.Directory))
            .EnsureSuccess().StandardOutput;

    /// <summary>What the objects must agree with, read from the repository itself: appsettings.json, the Dockerfile and the compose file.</summary>
    private static KubernetesExpectations ExpectationsOf(GeneratedRepository repository)
    {
        var settingsFile = repository.Files.Single(f => f.StartsWith("src/", StringComparison.Ordinal) && f.EndsWith("/appsettings.json", StringComparison.Ordinal));
        using var settings = JsonDocument.Parse(repository.Read(settingsFile), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var managementPort = settings.RootElement.GetProperty("Management").GetProperty("Port").GetInt32();
        var shutdown = TimeSpan.Parse(settings.RootElement.GetProperty("Hosting").GetProperty("ShutdownTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        // Every .NET image's app user is APP_UID, 1654; the Dockerfile must run as it.
        Assert.Contains("USER $APP_UID", repository.Read("Dockerfile"), StringComparison.Ordinal);

        var compose = new YamlStream();
        compose.Load(new StringReader(repository.Read("docker-compose.prod.yml")));
        var apiEnvironment = (YamlMappingNode)((YamlMappingNode)compose.Documents[0].RootNode)["x-api-environment"];
        var secretFiles = apiEnvironment.Children
            .Where(pair => pair.Key.ToString().EndsWith("__Password_FILE", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key.ToString(), pair => pair.Value.ToString());

        var stores = new (string Option, string Name, int Port)[] { ("postgres", "Postgres", 5432), ("mongo", "Mongo", 27017), ("redis", "Redis", 6379) }
            .Where(store => repository.Scenario.Has(store.Option)).ToList();
        return new KubernetesExpectations(managementPort, 1654, shutdown, [.. stores.Select(s => s.Name)], secretFiles,
            [.. stores.Select(s => s.Port)], repository.Scenario.Has("postgres"));
    }

    private static V1ConfigMap ConfigMap(List<object> objects, V1Container container) =>
        objects.OfType<V1ConfigMap>().Single(m => m.Metadata.Name == container.EnvFrom.Single().ConfigMapRef.Name);

    private static void ReplaceInSetting(V1ConfigMap map, string from, string to) =>
        map.Data["ConnectionStrings__Postgres"] = map.Data["ConnectionStrings__Postgres"].Replace(from, to, StringComparison.Ordinal);

    private static V1NetworkPolicy ApiPolicy(List<object> objects, V1Deployment deployment) =>
        objects.OfType<V1NetworkPolicy>().Single(p => p.Spec.PodSelector.MatchLabels is { Count: > 0 } labels
            && labels.All(l => deployment.Spec.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value));
}
