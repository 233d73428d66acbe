using k8s;
using k8s.Models;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>What the rendered Kubernetes objects must agree with: the app's ports and user, and the compose file's settings.</summary>
public sealed record KubernetesExpectations(
    int ManagementPort,
    long AppUid,
    TimeSpan ShutdownTimeout,
    IReadOnlyCollection<string> ConnectionStrings,
    IReadOnlyDictionary<string, string> SecretFiles,
    IReadOnlyCollection<int> DatastorePorts,
    bool Migrates);

/// <summary>
/// The checks no schema makes: selectors against labels, ports and probes against the app's, settings and
/// secrets against what the app reads, least privilege, and the policies' reach. Each returns what is wrong.
/// </summary>
public static class KubernetesRules
{
    /// <summary>Loads rendered YAML into the Kubernetes API's own types; unknown fields and kinds are refused.</summary>
    public static List<object> Load(string yaml) => KubernetesYaml.LoadAllFromString(yaml, null, strict: true);

    public static List<string> Check(IReadOnlyList<object> objects, KubernetesExpectations expected)
    {
        var problems = new List<string>();
        void Require(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }

        var deployments = objects.OfType<V1Deployment>().ToList();
        var namespaces = objects.OfType<V1Namespace>().ToList();
        var jobs = objects.OfType<V1Job>().ToList();
        Require(deployments.Count == 1 && namespaces.Count == 1, "one Deployment and one Namespace");
        var services = objects.OfType<V1Service>().Where(s => deployments.Count == 1 && s.Metadata.Name == deployments[0].Metadata.Name).ToList();
        Require(services.Count == 1, "a Service named as the API's Deployment");
        Require(jobs.Count == (expected.Migrates ? 1 : 0), expected.Migrates ? "a migration Job" : "no migration Job without PostgreSQL");
        if (problems.Count > 0)
        {
            return problems;
        }

        var (deployment, service, ns) = (deployments[0], services[0], namespaces[0]);
        var pod = deployment.Spec.Template;
        var api = pod.Spec.Containers.Single();
        var podLabels = pod.Metadata.Labels;
        bool Selects(IDictionary<string, string>? selector) =>
            selector is { Count: > 0 } && selector.All(pair => podLabels.TryGetValue(pair.Key, out var value) && value == pair.Value);

        Require(ns.Metadata.Labels is { } nsLabels && nsLabels.TryGetValue("pod-security.kubernetes.io/enforce", out var level) && level == "restricted", "the Namespace enforces the restricted Pod Security Standard");
        foreach (var item in objects.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace))
        {
            Require(item.Metadata.NamespaceProperty == ns.Metadata.Name, $"{item.Kind} {item.Metadata.Name} is in namespace {ns.Metadata.Name}");
        }

        // Selectors against labels.
        Require(Selects(deployment.Spec.Selector.MatchLabels), "the Deployment's selector matches its pod labels");
        Require(Selects(service.Spec.Selector), "the Service selects the API's pods");
        foreach (var budget in objects.OfType<V1PodDisruptionBudget>())
        {
            Require(Selects(budget.Spec.Selector.MatchLabels), "the PodDisruptionBudget selects the API's pods");
        }

        foreach (var spread in pod.Spec.TopologySpreadConstraints ?? [])
        {
            Require(Selects(spread.LabelSelector.MatchLabels), "the topology spread counts the API's pods");
        }

        var autoscaler = objects.OfType<V2HorizontalPodAutoscaler>().SingleOrDefault();
        var budgetOfApi = objects.OfType<V1PodDisruptionBudget>().SingleOrDefault();
        Require(autoscaler?.Spec.ScaleTargetRef is { Kind: "Deployment" } target && target.Name == deployment.Metadata.Name, "the autoscaler scales the API's Deployment");
        Require(autoscaler?.Spec.Metrics?.Any(m => m.Resource?.Name == "cpu" && m.Resource.Target.AverageUtilization is > 0 and <= 100) == true, "the autoscaler follows CPU utilisation");
        Require(autoscaler is not null && budgetOfApi?.Spec.MaxUnavailable?.Value is { } unavailable && int.Parse(unavailable, System.Globalization.CultureInfo.InvariantCulture) < autoscaler.Spec.MinReplicas,
            "the disruption budget leaves pods running at the autoscaler's minimum");

        // Ports and probes against the app's.
        var ports = api.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Require(ports.GetValueOrDefault("management") == expected.ManagementPort, $"the container's management port is the app's Management:Port ({expected.ManagementPort})");
        Require(service.Spec.Ports.All(p => p.TargetPort?.Value is { } port && ports.ContainsKey(port)), "every Service port targets a named container port");
        foreach (var (probe, path) in new[] { (api.StartupProbe, "/health/live"), (api.LivenessProbe, "/health/live"), (api.ReadinessProbe, "/health/ready") })
        {
            Require(probe?.HttpGet is { } get && get.Path == path && get.Port.Value == "management", $"a probe asks {path} on the management port");
        }

        foreach (var ingress in objects.OfType<V1Ingress>())
        {
            foreach (var backend in ingress.Spec.Rules.SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service))
            {
                Require(backend.Name == service.Metadata.Name && backend.Port.Name == "http", "the Ingress routes to the Service's public port only");
            }
        }

        // Shutdown: endpoints forget the pod (preStop), then the app drains and finishes requests in flight.
        var preStop = api.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0;
        Require(preStop > 0, "a preStop sleep lets endpoints forget the pod before it stops");
        Require(pod.Spec.TerminationGracePeriodSeconds >= preStop + (long)expected.ShutdownTimeout.TotalSeconds,
            $"the grace period covers the preStop sleep and the app's shutdown timeout ({expected.ShutdownTimeout.TotalSeconds} s)");

        // Least privilege of every pod.
        var pods = new List<(string Name, V1PodSpec Spec)> { ("the API", pod.Spec) };
        pods.AddRange(jobs.Select(job => ("the migration Job", job.Spec.Template.Spec)));
        foreach (var (name, spec) in pods)
        {
            var container = spec.Containers.Single();
            Require(spec.SecurityContext?.RunAsNonRoot == true && spec.SecurityContext.RunAsUser == expected.AppUid, $"{name} runs as the image's app user ({expected.AppUid})");
            Require(spec.SecurityContext?.SeccompProfile?.Type == "RuntimeDefault", $"{name} has the runtime's seccomp profile");
            Require(spec.AutomountServiceAccountToken == false, $"{name} gets no service account token");
            Require(container.SecurityContext is { ReadOnlyRootFilesystem: true, AllowPrivilegeEscalation: false } context
                && context.Capabilities?.Drop?.SequenceEqual(["ALL"]) == true, $"{name} has a read-only root, no privilege escalation and no capabilities");
            var tmp = container.VolumeMounts?.SingleOrDefault(m => m.MountPath == "/tmp");
            Require(tmp is not null && spec.Volumes.Any(v => v.Name == tmp.Name && v.EmptyDir is not null), $"{name} writes /tmp to an emptyDir");
            Require(container.Resources?.Requests?.ContainsKey("cpu") == true && container.Resources.Requests.ContainsKey("memory")
                && container.Resources.Limits?.ContainsKey("cpu") == true && container.Resources.Limits.ContainsKey("memory"), $"{name} has CPU and memory requests and limits");
        }

        // Settings and secrets against what the app reads.
        var settings = Settings(objects, api);
        foreach (var name in expected.ConnectionStrings)
        {
            Require(settings.ContainsKey($"ConnectionStrings__{name}"), $"the API's ConfigMap sets ConnectionStrings__{name}");
        }

        var secretsMount = api.VolumeMounts?.SingleOrDefault(m => m.MountPath == "/run/secrets");
        foreach (var (setting, path) in expected.SecretFiles)
        {
            Require(settings.GetValueOrDefault(setting) == path, $"the API reads {setting} from {path}, as under Swarm");
            Require(secretsMount is not null && pod.Spec.Volumes.Any(v => v.Name == secretsMount.Name && v.Secret is not null), $"a Secret is mounted where {setting} points");
        }

        if (settings.GetValueOrDefault("ConnectionStrings__Postgres") is { } apiDatabase)
        {
            Require(DatabaseUser(apiDatabase).EndsWith("_app", StringComparison.Ordinal), "the API logs in to PostgreSQL as the data-only role");
        }

        foreach (var job in jobs)
        {
            var migrate = job.Spec.Template.Spec.Containers.Single();
            Require(migrate.Image == api.Image && migrate.Args?.SequenceEqual(["migrate"]) == true, "the Job runs the API's image with the migrate command");
            Require(Settings(objects, migrate).GetValueOrDefault("ConnectionStrings__Postgres") is { } jobDatabase && DatabaseUser(jobDatabase).EndsWith("_owner", StringComparison.Ordinal),
                "the migration Job logs in as the owner role");
            Require(job.Spec.Template.Spec.RestartPolicy is "Never" or "OnFailure" && job.Spec.BackoffLimit > 0, "the Job retries while PostgreSQL is not up");
        }

        // Network policies: nothing in or out unless allowed.
        var policies = objects.OfType<V1NetworkPolicy>().ToList();
        Require(policies.Any(p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 } && p.Spec.PolicyTypes.Contains("Ingress") && p.Spec.PolicyTypes.Contains("Egress")
            && p.Spec.Ingress is null or { Count: 0 } && p.Spec.Egress is null or { Count: 0 }), "a default-deny policy covers every pod");
        var apiPolicy = policies.SingleOrDefault(p => Selects(p.Spec.PodSelector.MatchLabels));
        Require(apiPolicy is not null, "a policy selects the API's pods");
        if (apiPolicy is not null)
        {
            Require(apiPolicy.Spec.Ingress.All(rule => rule.FromProperty is { Count: > 0 } && rule.Ports.All(p => p.Port.Value is "http" or "management")),
                "the API admits only named sources on its http and management ports");
            var egress = apiPolicy.Spec.Egress.SelectMany(rule => rule.Ports ?? []).Select(p => p.Port.Value).ToHashSet();
            Require(egress.Contains("53"), "the API may ask DNS");
            foreach (var port in expected.DatastorePorts)
            {
                Require(egress.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"the API may reach its datastore on port {port}");
            }
        }

        return problems;
    }

    private static string DatabaseUser(string connectionString) => new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Username ?? string.Empty;

    /// <summary>The variables a container gets from its ConfigMaps (envFrom), then its own env, as the kubelet merges them.</summary>
    private static Dictionary<string, string> Settings(IReadOnlyList<object> objects, V1Container container)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            var map = objects.OfType<V1ConfigMap>().SingleOrDefault(m => m.Metadata.Name == source.ConfigMapRef?.Name);
            foreach (var (key, value) in map?.Data ?? new Dictionary<string, string>())
            {
                settings[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            settings[variable.Name] = variable.Value;
        }

        return settings;
    }
}
