using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// The API's pod as the production overlay renders it, run by a real tool rather than translated by hand: podman's
/// <c>kube play</c> (tests/images/README.md says what it leaves out). The pod's security settings, volumes and
/// limits are the rendered ones; what names the cluster's neighbours is pointed at this machine instead, each
/// change below with its reason. podman's own record of the container is read back, and the pod answers its probe
/// paths from outside.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Containers)]
public sealed class KubernetesPodTests(TemplateHive hive)
{
    [Fact]
    public async Task The_rendered_api_pod_runs_under_podman_with_its_security_context_and_answers_its_probes()
    {
        var images = await DockerHost.LocalImagesAsync();
        var podman = TestServices.Program("podman", "/usr/bin/podman");
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        var tag = $"thereview-test/orders-api:{Guid.NewGuid():N}"[..40];
        (await repository.RunAsync(Tools.Docker, "build", "--target", "production", "--tag", tag,
            "--build-arg", $"SDK_IMAGE={images["SDK_IMAGE"]}", "--build-arg", $"RUNTIME_IMAGE={images["RUNTIME_IMAGE"]}", ".")).EnsureSuccess();
        var manifest = Path.Combine(PackPaths.NewTempDirectory("pod"), "pod.yaml");
        var podContainer = "orders-api-pod-0-api";
        try
        {
            var archive = Path.Combine(Path.GetDirectoryName(manifest)!, "image.tar");
            (await DockerHost.RunAsync("save", "--output", archive, tag)).EnsureSuccess();
            (await Shell.RunAsync(podman, ["load", "--quiet", "--input", archive])).EnsureSuccess();

            await using var settings = await ProductionContainerSettings.CreateAsync();
            (await DockerHost.RunAsync(["run", "--rm", .. settings.Arguments, tag, "migrate"])).EnsureSuccess();
            var rendered = KubernetesRules.Load((await Shell.RunAsync(TestServices.Program("kubectl", "/usr/bin/kubectl"),
                ["kustomize", "--load-restrictor", "LoadRestrictionsNone", "deploy/kubernetes/overlays/production"], repository.Directory)).EnsureSuccess().StandardOutput);
            var deployment = rendered.OfType<V1Deployment>().Single(d => d.Metadata.Name == "orders-api");
            var pod = deployment.Spec.Template.Spec;
            var container = pod.Containers.Single();
            var configMap = rendered.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == container.EnvFrom.Single().ConfigMapRef.Name);
            var (readiness, liveness) = (container.ReadinessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Path);
            podContainer = $"{deployment.Metadata.Name}-pod-0-{container.Name}";
            var ports = FreePort.Next(2);
            var secrets = PointAtThisMachine(deployment, configMap, settings, $"docker.io/{tag}", ports, Path.GetDirectoryName(manifest)!);
            await File.WriteAllTextAsync(manifest, KubernetesYaml.SerializeAll(new object[] { configMap, deployment }));

            (await Shell.RunAsync(podman, ["kube", "play", manifest])).EnsureSuccess();
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            var live = await Poll.UntilAsync(async () => await Probe.StatusAsync(client, $"http://127.0.0.1:{ports[0]}/health/live") == HttpStatusCode.OK,
                TimeSpan.FromSeconds(60), "200 from the pod's /health/live");
            Assert.Equal(HttpStatusCode.OK, await Probe.StatusAsync(client, $"http://127.0.0.1:{ports[1]}{readiness}"));
            Assert.Equal(HttpStatusCode.OK, await Probe.StatusAsync(client, $"http://127.0.0.1:{ports[1]}{liveness}"));

            // What podman kept of the pod spec, read back from its own record of the container.
            var name = podContainer;
            using var inspected = JsonDocument.Parse((await Shell.RunAsync(podman, ["container", "inspect", name])).EnsureSuccess().StandardOutput);
            var record = inspected.RootElement[0];
            var host = record.GetProperty("HostConfig");
            Assert.Equal($"{pod.SecurityContext.RunAsUser}:{pod.SecurityContext.RunAsGroup}", record.GetProperty("Config").GetProperty("User").GetString());
            Assert.Equal(container.SecurityContext.ReadOnlyRootFilesystem, host.GetProperty("ReadonlyRootfs").GetBoolean());
            // podman writes no list (null) where the process has no capability left.
            var capabilities = record.GetProperty("EffectiveCaps");
            Assert.True(capabilities.ValueKind == JsonValueKind.Null || capabilities.GetArrayLength() == 0, $"effective capabilities: {capabilities}");
            Assert.Contains("no-new-privileges", host.GetProperty("SecurityOpt").ToString(), StringComparison.Ordinal);
            Assert.Equal(container.Resources.Limits["memory"].ToInt64(), host.GetProperty("Memory").GetInt64());
            var mounts = record.GetProperty("Mounts").EnumerateArray().ToDictionary(m => m.GetProperty("Destination").GetString()!, m => m);
            Assert.Equal(pod.Volumes.Select(v => container.VolumeMounts.Single(m => m.Name == v.Name).MountPath).Order(StringComparer.Ordinal), mounts.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(secrets, mounts["/run/secrets"].GetProperty("Source").GetString());
            var processes = (await Shell.RunAsync(podman, ["top", name, "user", "comm"])).EnsureSuccess().StandardOutput;
            Assert.DoesNotContain("root", processes, StringComparison.Ordinal);
            Figures.Report($"podman kube play of the production overlay's pod: /health/live 200 after {live.TotalSeconds:F1} s; kept user {record.GetProperty("Config").GetProperty("User").GetString()}, read-only root, no capabilities, {mounts.Count} mounts ({string.Join(", ", mounts.Keys.Order(StringComparer.Ordinal))}), memory limit {host.GetProperty("Memory").GetInt64() / 1048576} MiB");
        }
        finally
        {
            if (File.Exists(manifest))
            {
                var logs = await Shell.RunAsync(podman, ["logs", podContainer]);
                TestContext.Current.TestOutputHelper?.WriteLine(logs.Output.Length > 4000 ? logs.Output[^4000..] : logs.Output);
                await Shell.RunAsync(podman, ["kube", "down", manifest]);
            }

            await Shell.RunAsync(podman, ["rmi", "--force", $"docker.io/{tag}"]);
            await DockerHost.RunAsync("image", "rm", "--force", tag);
        }
    }

    /// <summary>
    /// The changes the pod needs to run here, each for a reason outside the manifests: it returns the folder that
    /// stands in for the API's Secret.
    /// </summary>
    private static string PointAtThisMachine(V1Deployment deployment, V1ConfigMap configMap, ProductionContainerSettings settings, string image, int[] ports, string work)
    {
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();
        // The datastores and the identity provider the overlay names are a cluster's; here they are the tests' own.
        foreach (var key in configMap.Data.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("Auth__Authority", StringComparison.Ordinal) || k == "Redis__Password_FILE").ToList())
        {
            configMap.Data.Remove(key);
        }

        foreach (var (key, value) in settings.Environment)
        {
            configMap.Data[key] = value;
        }

        // The host's network reaches the tests' datastores on 127.0.0.1; ports of their own keep the pod beside other specs.
        configMap.Data["ASPNETCORE_HTTP_PORTS"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
        configMap.Data["Management__Port"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture);
        pod.HostNetwork = true;
        // podman refuses container ports with the host's network ("PortMappings can only be used with Bridge").
        container.Ports = null;
        // podman would run the probes as curl inside the container, which the chiseled image does not have; the spec
        // asks the same paths from outside instead.
        (container.StartupProbe, container.LivenessProbe, container.ReadinessProbe) = (null, null, null);
        // podman 4.3 has no Secret objects: the files the Secret holds come from a folder, at the same mount path.
        var secrets = Path.Combine(work, "secrets");
        Directory.CreateDirectory(secrets);
        File.WriteAllText(Path.Combine(secrets, "postgres_app_password"), new Npgsql.NpgsqlConnectionStringBuilder(TestServices.Postgres).Password);
        var secretVolume = pod.Volumes.Single(v => v.Secret is not null);
        secretVolume.Secret = null;
        secretVolume.HostPath = new V1HostPathVolumeSource { Path = secrets, Type = "Directory" };
        deployment.Spec.Replicas = 1;
        container.Image = image;
        return secrets;
    }
}
