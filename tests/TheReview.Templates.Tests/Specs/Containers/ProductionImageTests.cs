using System.Formats.Tar;
using System.Net;
using System.Text;

namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>The generated Dockerfile's production stage, built and run for real.</summary>
[Collection(Builds.Name)]
[Tier(Tier.Containers)]
public sealed class ProductionImageTests(TemplateHive hive)
{
    /// <summary>The chiseled runtime is the default; the Debian one (with a shell) is a build argument away.</summary>
    [Theory]
    [InlineData("RUNTIME_IMAGE", false)]
    [InlineData(DockerHost.FullRuntimeImage, true)]
    public async Task The_production_image_runs_as_the_app_user_hardened_gets_healthy_and_holds_no_sdk_source_or_secret(string runtime, bool hasShell)
    {
        var images = await DockerHost.LocalImagesAsync();
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        var marker = $"THEREVIEW-TEST-SECRET-{Guid.NewGuid():N}";
        var caSecret = Path.Combine(repository.Directory, "..", "ca-with-marker.crt");
        await File.WriteAllTextAsync(caSecret, await File.ReadAllTextAsync("/etc/ssl/certs/ca-certificates.crt") + $"\n# {marker}\n");
        var tag = $"thereview-test/orders-api:{Guid.NewGuid():N}"[..40];

        (await repository.RunAsync(Tools.Docker, "build", "--target", "production", "--tag", tag,
            "--build-arg", $"SDK_IMAGE={images["SDK_IMAGE"]}", "--build-arg", $"RUNTIME_IMAGE={images[runtime]}",
            "--secret", $"id=ca_certificates,src={caSecret}", ".")).EnsureSuccess();
        try
        {
            var image = await DockerHost.InspectAsync("--type", "image", tag);
            var config = image.GetProperty("Config");
            Assert.Equal("1654", config.GetProperty("User").GetString());
            Assert.Equal(hasShell, await HasAShellAsync(tag));
            // Start-up lives in the app: no entrypoint script rewrites the environment or waits in a shell.
            // The app host, built for the image's architecture: no dotnet executable of that platform is needed.
            Assert.Equal(["/app/Orders.Api"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
            var version = (await DockerHost.RunAsync("run", "--rm", "--network", "none", tag, "version")).EnsureSuccess().StandardOutput;
            Assert.Matches(@"^Orders\.Api \S+ linux-x64 \.NET 10\.", version);
            Assert.Contains("healthcheck", config.GetProperty("Healthcheck").GetProperty("Test").ToString(), StringComparison.Ordinal);
            var labels = config.GetProperty("Labels");
            Assert.Equal("orders", labels.GetProperty("org.opencontainers.image.title").GetString());
            Assert.False(string.IsNullOrEmpty(labels.GetProperty("org.opencontainers.image.version").GetString()));

            var history = (await DockerHost.RunAsync("history", "--no-trunc", tag)).EnsureSuccess().StandardOutput;
            Assert.DoesNotContain(marker, history, StringComparison.Ordinal);
            var (files, leaked) = await ImageFilesAsync(tag, marker);
            Assert.False(leaked, "the build secret is in an image layer");
            Assert.DoesNotContain(files, f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal));
            Assert.DoesNotContain(files, f => f.Contains("dotnet/sdk/", StringComparison.Ordinal));
            Assert.Contains(files, f => f.EndsWith("Orders.Api.dll", StringComparison.Ordinal));
            Assert.DoesNotContain(files, f => f.EndsWith("Scalar.AspNetCore.dll", StringComparison.Ordinal));

            await RunsHardenedAndHealthyAsync(tag);
        }
        finally
        {
            await DockerHost.RunAsync("image", "rm", "--force", tag);
        }
    }

    /// <summary>Whether any of sh, bash or busybox can be started in the image.</summary>
    private static async Task<bool> HasAShellAsync(string tag)
    {
        var found = false;
        foreach (var shell in new[] { "sh", "bash", "busybox" })
        {
            var run = await DockerHost.RunAsync("run", "--rm", "--network", "none", "--entrypoint", shell, tag, "-c", "true");
            found |= run.ExitCode == 0;
            Assert.True(run.ExitCode == 0 || run.Output.Contains("executable file not found", StringComparison.Ordinal), run.Output);
        }

        return found;
    }

    /// <summary>
    /// The ways an operator chooses the API's port, in Kestrel's order of precedence. The image's self-probe must
    /// find the instance whichever is used, or Docker and Swarm restart a working container in a loop. The empty
    /// ASPNETCORE_HTTP_PORTS beside ASPNETCORE_URLS is what an operator gets by blanking the image's default.
    /// </summary>
    private static readonly Func<int, string[]>[] PortChoices =
    [
        port => ["--env", $"ASPNETCORE_HTTP_PORTS={port}"],
        port => ["--env", $"ASPNETCORE_URLS=http://+:{port}", "--env", "ASPNETCORE_HTTP_PORTS="],
        port => ["--env", $"Kestrel__Endpoints__Http__Url=http://+:{port}"],
    ];

    private static async Task RunsHardenedAndHealthyAsync(string tag)
    {
        await using var container = await ProductionContainerSettings.CreateAsync();
        var settings = container.Arguments;
        var migrate = (await DockerHost.RunAsync(["run", "--rm", .. settings, tag, "migrate"])).EnsureSuccess();
        Assert.DoesNotContain("Cannot load library", migrate.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"""@l"":""(Error|Fatal)""", migrate.Output);
        // One container per way of choosing the port, side by side on the host's network: each its own ports.
        var ports = FreePort.Next(PortChoices.Length * 2);
        var containers = PortChoices.Select((choice, i) => (Name: $"thereview-image-{Guid.NewGuid():N}"[..30], Port: ports[2 * i], Management: ports[(2 * i) + 1], Choice: choice)).ToList();
        try
        {
            foreach (var (name, port, management, choice) in containers)
            {
                (await DockerHost.RunAsync(["run", "--detach", "--name", name, .. settings, .. choice(port),
                    "--env", $"Management__Port={management}", "--health-interval", "2s", tag])).EnsureSuccess();
            }

            var healthy = await Poll.UntilAsync(async () =>
            {
                var states = await Task.WhenAll(containers.Select(async c => (await DockerHost.InspectAsync(c.Name)).GetProperty("State").GetProperty("Health").GetProperty("Status").GetString()));
                return states.All(state => state == "healthy");
            }, TimeSpan.FromSeconds(90), "container health 'healthy' with the port set by ASPNETCORE_HTTP_PORTS, by ASPNETCORE_URLS and by Kestrel endpoints");
            Figures.Report($"production containers healthy after {healthy.TotalSeconds:F1} s, port set by HTTP_PORTS, URLS and Kestrel endpoints");
            using var client = new HttpClient();
            foreach (var (name, port, _, _) in containers)
            {
                Assert.All(await DockerHost.ProcessesAsync(name), process => Assert.Equal(1654, process.Uid));
                Assert.Contains("SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", await DockerHost.EnvironmentOfAsync(name));
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"))).StatusCode);
            }
        }
        finally
        {
            foreach (var (name, _, _, _) in containers)
            {
                var logs = await DockerHost.RunAsync("logs", name);
                await DockerHost.RunAsync("rm", "--force", "--volumes", name);
                TestContext.Current.TestOutputHelper?.WriteLine(logs.Output.Length > 4000 ? logs.Output[^4000..] : logs.Output);
            }
        }
    }

    /// <summary>Every path in the image's layers, and whether any layer or config blob holds the marker.</summary>
    private static async Task<(List<string> Files, bool Leaked)> ImageFilesAsync(string tag, string marker)
    {
        var archive = Path.Combine(PackPaths.NewTempDirectory("image"), "image.tar");
        (await DockerHost.RunAsync("save", "--output", archive, tag)).EnsureSuccess();
        var files = new List<string>();
        var leaked = false;
        var needle = Encoding.UTF8.GetBytes(marker);
        await using (var outer = File.OpenRead(archive))
        {
            using var image = new TarReader(outer);
            while (await image.GetNextEntryAsync(copyData: true) is { } entry)
            {
                if (entry.DataStream is null)
                {
                    continue;
                }

                using var blob = new MemoryStream();
                await entry.DataStream.CopyToAsync(blob);
                leaked |= blob.GetBuffer().AsSpan(0, (int)blob.Length).IndexOf(needle) >= 0;
                files.AddRange(LayerFiles(blob));
            }
        }

        File.Delete(archive);
        return (files, leaked);
    }

    /// <summary>The paths in a layer blob; none for the JSON blobs (manifest, config).</summary>
    private static List<string> LayerFiles(MemoryStream blob)
    {
        var files = new List<string>();
        blob.Position = 0;
        try
        {
            using var layer = new TarReader(blob, leaveOpen: true);
            while (layer.GetNextEntry() is { } file)
            {
                files.Add(file.Name);
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or FormatException)
        {
            // Not a tar: a manifest or a config.
        }

        return files;
    }
}
