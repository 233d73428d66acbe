namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// The other half of Nginx's trace rule (the Stack's TraceContextTests cover callers from the internet): a team
/// that lists its own gateways in <c>geo $trusted_trace_caller</c> keeps their traces whole, because Nginx passes
/// their traceparent on to the API; everyone else's is still replaced. Two proxies run the generated nginx.conf,
/// as shipped and with the caller's network listed, in front of a stand-in API that echoes the traceparent it got.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Containers)]
public sealed class TrustedTraceCallerTests(TemplateHive hive)
{
    private const string CallersTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public async Task A_trusted_networks_traceparent_reaches_the_api_and_anyone_elses_is_replaced()
    {
        var images = await DockerHost.LocalImagesAsync();
        var repository = (await hive.InstantiateAsync(Scenario.WithoutMongo)).Copy();
        (await repository.RunAsync(repository.PathOf("scripts/certs.sh"))).EnsureSuccess();
        var shipped = repository.Read("deploy/nginx/nginx.conf");
        const string Example = "# 10.20.0.0/16 1;";
        Assert.Contains(Example, shipped, StringComparison.Ordinal);
        await File.WriteAllTextAsync(repository.PathOf("deploy/nginx/trusted.conf"), shipped.Replace(Example, "0.0.0.0/0 1;", StringComparison.Ordinal));
        await File.WriteAllTextAsync(repository.PathOf("deploy/nginx/echo.conf"), """
            pid /tmp/nginx.pid;
            events {}
            http {
                server {
                    listen 8080;
                    location / { default_type text/plain; return 200 "$http_traceparent"; }
                }
            }
            """);

        var network = $"thereview-trace-{Guid.NewGuid():N}"[..28];
        var ports = FreePort.Next(2);
        var containers = new List<string>();
        (await DockerHost.RunAsync("network", "create", network)).EnsureSuccess();
        try
        {
            containers.Add(await RunNginxAsync(images["NGINX_IMAGE"], network, repository.PathOf("deploy/nginx/echo.conf"), ["--network-alias", "api"]));
            containers.Add(await RunNginxAsync(images["NGINX_IMAGE"], network, repository.PathOf("deploy/nginx/nginx.conf"), Proxy(repository, ports[0])));
            containers.Add(await RunNginxAsync(images["NGINX_IMAGE"], network, repository.PathOf("deploy/nginx/trusted.conf"), Proxy(repository, ports[1])));

            var fromTheInternet = await TraceparentTheApiGotAsync(ports[0]);
            var fromAGateway = await TraceparentTheApiGotAsync(ports[1]);

            Assert.Equal(CallersTrace, fromAGateway);
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", fromTheInternet);
            Assert.NotEqual(CallersTrace[3..35], fromTheInternet[3..35]);
            Figures.Report($"traceparent {CallersTrace}: from a listed network the API got it unchanged; from anywhere else it got {fromTheInternet}");
        }
        finally
        {
            foreach (var container in containers)
            {
                await DockerHost.RunAsync("rm", "--force", container);
            }

            await DockerHost.RunAsync("network", "rm", network);
        }
    }

    private static string[] Proxy(GeneratedRepository repository, int port) =>
    [
        "--user", "101:101", "--publish", $"127.0.0.1:{port}:8443",
        "--tmpfs", "/tmp", "--tmpfs", "/var/cache/nginx", "--tmpfs", "/var/run",
        "--volume", $"{repository.PathOf("secrets/tls.crt")}:/run/secrets/tls_certificate:ro",
        "--volume", $"{repository.PathOf("secrets/tls.key")}:/run/secrets/tls_private_key:ro",
    ];

    private static async Task<string> RunNginxAsync(string image, string network, string config, string[] options) =>
        (await DockerHost.RunAsync(["run", "--detach", "--network", network, .. options,
            "--volume", $"{config}:/etc/nginx/nginx.conf:ro", image])).EnsureSuccess().StandardOutput.Trim();

    private static async Task<string> TraceparentTheApiGotAsync(int port)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
        var body = string.Empty;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reviews");
                request.Headers.TryAddWithoutValidation("traceparent", CallersTrace);
                using var response = await client.SendAsync(request);
                body = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && body.StartsWith("00-", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), $"the stand-in API answering through Nginx on port {port}");
        return body;
    }
}
