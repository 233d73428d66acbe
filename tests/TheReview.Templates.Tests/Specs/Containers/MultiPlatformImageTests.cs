using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// The production image for linux/amd64 and linux/arm64, as <c>make image-multiarch</c> makes it: pushed to a real
/// registry as one image (a manifest list), pulled back by a node of each architecture, and the arm64 one run
/// under qemu against the test datastores until it is ready.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Containers)]
public sealed class MultiPlatformImageTests(TemplateHive hive)
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
    ];

    [Fact]
    public async Task Make_image_multiarch_pushes_one_image_of_both_platforms_and_the_arm64_one_gets_ready_under_emulation()
    {
        var images = await DockerHost.LocalImagesAsync();
        var runtime = await DockerHost.MultiPlatformRuntimeAsync();
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        var name = $"thereview-test/orders-{Guid.NewGuid():N}"[..34];
        var image = $"{DockerHost.Registry}/{name}";
        var container = $"thereview-arm64-{Guid.NewGuid():N}"[..28];
        var built = Stopwatch.StartNew();
        try
        {
            (await Shell.RunAsync("make", ["image-multiarch", $"API_IMAGE={image}", "API_TAG=test", $"SDK_IMAGE={images["SDK_IMAGE"]}", $"RUNTIME_IMAGE={runtime}"],
                repository.Directory, timeout: TimeSpan.FromMinutes(20))).EnsureSuccess();
            Figures.Report($"make image-multiarch (linux/amd64 and linux/arm64 built, each started once, pushed) took {built.Elapsed.TotalSeconds:F0} s");

            using var index = JsonDocument.Parse((await DockerHost.RunAsync("buildx", "imagetools", "inspect", "--raw", $"{image}:test")).EnsureSuccess().StandardOutput);
            var platforms = index.RootElement.GetProperty("manifests").EnumerateArray()
                .Select(m => m.GetProperty("platform")).Select(p => $"{p.GetProperty("os").GetString()}/{p.GetProperty("architecture").GetString()}");
            Assert.Equal(["linux/amd64", "linux/arm64"], platforms.Order(StringComparer.Ordinal));

            // A node of each architecture pulls the one name and gets its own image, which starts there.
            foreach (var (platform, runtimeIdentifier) in new[] { ("linux/amd64", "linux-x64"), ("linux/arm64", "linux-arm64") })
            {
                (await DockerHost.RunAsync("pull", "--quiet", "--platform", platform, $"{image}:test")).EnsureSuccess();
                Assert.Equal(platform, (await DockerHost.RunAsync("image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", $"{image}:test")).EnsureSuccess().StandardOutput.Trim());
                var version = (await DockerHost.RunAsync("run", "--rm", "--network", "none", "--platform", platform, $"{image}:test", "version")).EnsureSuccess().StandardOutput;
                Assert.Contains($" {runtimeIdentifier} ", version, StringComparison.Ordinal);
            }

            await RunsReadyOnArm64Async($"{image}:test", container);
        }
        finally
        {
            await DockerHost.RunAsync("rm", "--force", container);
            await DockerHost.RunAsync("image", "rm", "--force", $"{image}:test", $"{image}:test-amd64", $"{image}:test-arm64");
            await DeleteFromRegistryAsync(name, ["test", "test-amd64", "test-arm64"]);
        }
    }

    private static async Task RunsReadyOnArm64Async(string image, string container)
    {
        await using var settings = await ProductionContainerSettings.CreateAsync();
        var migrate = (await DockerHost.RunAsync(["run", "--rm", "--platform", "linux/arm64", .. settings.Arguments, image, "migrate"])).EnsureSuccess();
        Assert.DoesNotMatch(@"""@l"":""(Error|Fatal)""", migrate.Output);

        var ports = FreePort.Next(2);
        var started = Stopwatch.StartNew();
        (await DockerHost.RunAsync(["run", "--detach", "--name", container, "--platform", "linux/arm64", .. settings.Arguments,
            "--env", $"ASPNETCORE_HTTP_PORTS={ports[0]}", "--env", $"Management__Port={ports[1]}", image])).EnsureSuccess();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            await Poll.UntilAsync(async () => await Probe.StatusAsync(client, $"http://127.0.0.1:{ports[0]}/health/live") == HttpStatusCode.OK,
                TimeSpan.FromSeconds(120), "200 from /health/live of the arm64 container under emulation");
            var live = started.Elapsed;
            // Emulated, the first checks of PostgreSQL and Redis (TLS handshakes, code run for the first time) take seconds.
            await Poll.UntilAsync(async () => await Probe.StatusAsync(client, $"http://127.0.0.1:{ports[0]}/health/ready") == HttpStatusCode.OK,
                TimeSpan.FromSeconds(120), "200 from /health/ready of the arm64 container under emulation");
            Figures.Report($"arm64 image under qemu: start to first 200 from /health/live {live.TotalSeconds:F1} s, from /health/ready {started.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(HttpStatusCode.OK, await Probe.StatusAsync(client, $"http://127.0.0.1:{ports[1]}/health/ready"));
            Assert.All(await DockerHost.ProcessesAsync(container), process => Assert.Equal(1654, process.Uid));
        }
        finally
        {
            var logs = await DockerHost.RunAsync("logs", container);
            TestContext.Current.TestOutputHelper?.WriteLine(logs.Output.Length > 4000 ? logs.Output[^4000..] : logs.Output);
        }
    }

    /// <summary>The registry keeps what a run pushed unless its manifests are deleted (by digest, as its API asks).</summary>
    private static async Task DeleteFromRegistryAsync(string name, string[] tags)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://{DockerHost.Registry}/v2/{name}/manifests/") };
        foreach (var type in ManifestTypes)
        {
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        foreach (var tag in tags)
        {
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, tag));
            if (head.Headers.TryGetValues("Docker-Content-Digest", out var digests))
            {
                // "./": a digest ("sha256:...") alone would read as a URI scheme.
                using var deleted = await client.DeleteAsync(new Uri($"./{digests.Single()}", UriKind.Relative));
                Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
            }
        }
    }
}
