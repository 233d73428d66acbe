using System.Text.Json;

namespace TheReview.Templates.Tests.Specs.Stack;

/// <summary>The hardening of the production stack as Swarm runs it, read back from the engine.</summary>
[Collection(ProductionDeployment.Name)]
[Tier(Tier.Stack)]
public sealed class ContainerHardeningTests(SwarmDeployment stack)
{
    [Fact]
    public async Task Replicas_run_as_the_images_app_user_on_a_read_only_root_without_capabilities_behind_an_init()
    {
        var replica = await stack.ContainerOfAsync("api");
        var host = (await DockerHost.InspectAsync(replica)).GetProperty("HostConfig");

        Assert.True(host.GetProperty("ReadonlyRootfs").GetBoolean());
        Assert.Contains("ALL", host.GetProperty("CapDrop").EnumerateArray().Select(c => c.GetString()));
        Assert.True(host.GetProperty("Init").GetBoolean());
        // The chiseled runtime has no id, touch or shell to exec: the kernel's view of the processes, from the host.
        Assert.All(await DockerHost.ProcessesAsync(replica), process => Assert.Equal(1654, process.Uid));
        Assert.Equal(System.Net.HttpStatusCode.OK, await stack.StatusAsync("/health/ready"));
    }

    /// <summary>
    /// The stand-ins start as root where the official images do (postgres, redis) and step down only when
    /// their command is the server itself, so a command wrapped in a shell shows up here as root.
    /// </summary>
    [Fact]
    public async Task Every_long_running_container_of_the_stack_runs_as_a_non_root_user()
    {
        var containers = await DockerHost.ContainersAsync($"com.docker.stack.namespace={stack.Name}", "com.docker.swarm.service.name");

        var uids = await DockerHost.AssertNonRootAsync(containers);

        Assert.Contains(containers, c => c.Name.EndsWith("_redis", StringComparison.Ordinal));
        Figures.Report($"Swarm stack, real UIDs of every process: {string.Join("; ", uids.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public async Task No_password_appears_in_the_environment_the_service_specs_or_the_image_history()
    {
        var secrets = Directory.GetFiles(stack.Workspace.Repository.PathOf("secrets"), "*_password")
            .Select(File.ReadAllText).Select(s => s.Trim()).ToList();
        Assert.NotEmpty(secrets);
        var places = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in await StackServicesAsync())
        {
            places[$"service {service}"] = (await DockerHost.RunAsync("service", "inspect", service)).EnsureSuccess().StandardOutput;
            var container = (await DockerHost.RunAsync("ps", "--quiet", "--filter", $"label=com.docker.swarm.service.name={service}")).StandardOutput.Split('\n')[0].Trim();
            if (container.Length > 0)
            {
                places[$"container of {service}"] = (await DockerHost.RunAsync("inspect", container)).EnsureSuccess().StandardOutput;
            }
        }

        places["API image history"] = (await DockerHost.RunAsync("history", "--no-trunc", $"{stack.Workspace.Settings["API_IMAGE"]}:1.0.0")).EnsureSuccess().StandardOutput;

        var leaks = places.Where(place => secrets.Any(secret => place.Value.Contains(secret, StringComparison.Ordinal))).Select(place => place.Key).ToList();
        Assert.True(leaks.Count == 0, "a password is visible in: " + string.Join(", ", leaks));
        Assert.Contains("Postgres__Password_FILE=/run/secrets/postgres_app_password", places.Single(p => p.Key.StartsWith("container of", StringComparison.Ordinal) && p.Key.EndsWith("_api", StringComparison.Ordinal)).Value, StringComparison.Ordinal);
        Figures.Report($"{secrets.Count} passwords searched in {places.Count} service specs, container configs and the image history: 0 found");
    }

    [Fact]
    public async Task Only_nginx_publishes_ports()
    {
        var published = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var service in await StackServicesAsync())
        {
            var ports = (await DockerHost.RunAsync("service", "inspect", "--format", "{{json .Endpoint.Ports}}", service)).EnsureSuccess().StandardOutput.Trim();
            var numbers = ports is "null" or "[]" or ""
                ? []
                : JsonDocument.Parse(ports).RootElement.EnumerateArray().Select(p => p.GetProperty("PublishedPort").GetInt32()).ToList();
            if (numbers.Count > 0)
            {
                published[service] = numbers;
            }
        }

        Assert.Equal([$"{stack.Name}_nginx"], published.Keys);
        Assert.Equal(
            new[] { stack.Workspace.Port("HTTP_PORT"), stack.Workspace.Port("HTTPS_PORT") }.Order(),
            published[$"{stack.Name}_nginx"].Order());
        Figures.Report($"published ports: nginx {string.Join(", ", published[$"{stack.Name}_nginx"])}; every other service none");
    }

    private async Task<string[]> StackServicesAsync() =>
        (await DockerHost.RunAsync("stack", "services", "--format", "{{.Name}}", stack.Name)).EnsureSuccess().StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
