using System.Diagnostics;
using System.Net;
using System.Text;

namespace TheReview.Templates.Tests.Specs.Stack;

/// <summary>What a client, or an attacker, sees of the production stack through Nginx on 127.0.0.1.</summary>
[Collection(ProductionDeployment.Name)]
[Tier(Tier.Stack)]
public sealed class ProxySecurityTests(SwarmDeployment stack)
{
    private static readonly string[] SecureHeaders =
    [
        "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
        "Content-Security-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy",
    ];

    [Theory]
    [InlineData("-tls1", false)]
    [InlineData("-tls1_1", false)]
    [InlineData("-tls1_2", true)]
    [InlineData("-tls1_3", true)]
    public async Task Only_tls_1_2_and_1_3_are_accepted(string protocol, bool accepted)
    {
        // SECLEVEL=0 lets this client offer the old protocols at all, so a refusal is the server's.
        var handshake = await Shell.RunAsync(Tools.OpenSsl,
            ["s_client", "-connect", $"127.0.0.1:{stack.Workspace.Port("HTTPS_PORT")}", protocol, "-cipher", "DEFAULT:@SECLEVEL=0", "-brief"],
            "/", timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(accepted, handshake.ExitCode == 0);
        if (accepted)
        {
            Assert.Contains($"Protocol version: TLSv1.{protocol[^1]}", handshake.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Matches("alert protocol version|unsupported protocol|no protocols available|wrong version number", handshake.Output);
        }

        Figures.Report($"{protocol}: {(accepted ? "accepted" : "refused")}");
    }

    [Fact]
    public async Task The_tls_listener_speaks_http_2()
    {
        var answer = await Shell.RunAsync(Tools.Curl,
            ["--http2", "--insecure", "--silent", "--header", $"Authorization: {stack.Authorization}",
             "--output", "/dev/null", "--write-out", "%{http_version} %{http_code}", $"https://127.0.0.1:{stack.Workspace.Port("HTTPS_PORT")}{stack.ReviewPath}"],
            "/", timeout: TimeSpan.FromSeconds(20));

        Assert.Equal("2 200", answer.EnsureSuccess().StandardOutput.Trim());
    }

    /// <summary>
    /// Nginx keeps its connections to the replicas open between requests (upstream keepalive) and reuses them:
    /// after a series of requests, connections to port 8080 stay established in Nginx's container, and few of
    /// them are new. Without keepalive every request would open one, and none would stay open.
    /// </summary>
    [Fact]
    public async Task Nginx_reuses_its_connections_to_the_replicas()
    {
        const int Requests = 60;
        var nginx = await stack.ContainerOfAsync("nginx");
        var before = await ConnectionsToTheReplicasAsync(nginx);
        for (var i = 0; i < Requests; i++)
        {
            using var response = await stack.Proxy.GetAsync(new Uri(stack.ReviewPath, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(TimeSpan.FromMilliseconds(40)); // within the per-client rate limit (50 per second)
        }

        var after = await ConnectionsToTheReplicasAsync(nginx);
        var opened = after.Except(before).Count();

        Assert.NotEmpty(after);
        Assert.InRange(opened, 0, Requests / 10);
        Figures.Report($"{Requests} requests through Nginx: {opened} new connections to the replicas, {after.Count} kept open");
    }

    /// <summary>The local ends (address:port, hex) of Nginx's established connections to port 8080.</summary>
    private static async Task<HashSet<string>> ConnectionsToTheReplicasAsync(string nginx)
    {
        var table = (await DockerHost.RunAsync("exec", nginx, "cat", "/proc/net/tcp")).EnsureSuccess().StandardOutput;
        // Columns: sl, local address, remote address (hex ip:port), state (01 = established).
        return table.Split('\n').Skip(1).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns.Length > 3 && columns[2].EndsWith(":1F90", StringComparison.Ordinal) && columns[3] == "01")
            .Select(columns => columns[1])
            .ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public async Task Plain_http_redirects_to_https()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{stack.Workspace.Port("HTTP_PORT")}/api/reviews?take=1"));

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("https", response.Headers.Location!.Scheme);
        Assert.Equal("/api/reviews?take=1", response.Headers.Location.PathAndQuery);
    }

    [Fact]
    public async Task Every_answer_carries_the_secure_headers_and_no_server_version()
    {
        foreach (var path in new[] { stack.ReviewPath, "/api/reviews/not-a-guid", "/metrics" })
        {
            using var response = await stack.Proxy.GetAsync(new Uri(path, UriKind.Relative));

            foreach (var header in SecureHeaders)
            {
                Assert.True(response.Headers.Contains(header), $"{path} ({(int)response.StatusCode}) lacks {header}");
            }

            Assert.Equal("nginx", string.Join(' ', response.Headers.Server.Select(s => s.ToString())));
            Assert.False(response.Headers.Contains("X-Powered-By"));
        }

        Figures.Report($"{SecureHeaders.Length} secure headers on 200, 400 and 404 answers; Server: nginx (no version)");
    }

    /// <summary>An attacker spells the private paths differently; none of the spellings reaches them through the proxy.</summary>
    [Fact]
    public async Task No_spelling_of_the_metrics_or_the_health_report_passes_the_proxy()
    {
        var leaks = await PrivatePaths.LeaksAsync($"https://127.0.0.1:{stack.Workspace.Port("HTTPS_PORT")}");

        // Even a client asking for JSON gets the status word alone, never the per-check report.
        using var ready = await stack.Proxy.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/ready") { Headers = { { "Accept", "application/json" } } });
        Assert.True(leaks.Count == 0, "Through Nginx, these answered a private path: " + string.Join(", ", leaks));
        Assert.Contains(await ready.Content.ReadAsStringAsync(), new[] { "Healthy", "Unhealthy" });
        Figures.Report($"{PrivatePaths.Spellings.Length} spellings of /metrics and /health/ready through Nginx: none answered the metrics or the report");
    }

    /// <summary>
    /// Nginx passes the Authorization header on, and the replicas reach the identity provider named by
    /// AUTH_AUTHORITY for its keys: a caller without a token gets 401 ProblemDetails, one with a token 200.
    /// </summary>
    [Fact]
    public async Task Through_nginx_a_caller_without_a_token_gets_401_and_one_with_a_token_200()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = stack.Proxy.BaseAddress,
        };
        using var refused = await anonymous.GetAsync(new Uri(stack.ReviewPath, UriKind.Relative));
        var withToken = await stack.StatusAsync(stack.ReviewPath);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, withToken);
        Figures.Report($"through Nginx: without a token {(int)refused.StatusCode}, with a token {(int)withToken}");
    }

    /// <summary>
    /// More connections held open at once than a worker's default open-file limit (1,024): each is accepted and
    /// answered, none with a 5xx, and Nginx never runs out of files. The connections open in waves, as a crowd of
    /// clients would, and stay open (keep-alive) until the last has its answer.
    /// </summary>
    [Fact]
    public async Task Nginx_holds_2500_concurrent_connections_without_running_out_of_files_or_a_5xx()
    {
        const int Connections = 2500;
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var open = new List<IDisposable>();
        var statuses = new List<string>();
        // The stack's own certificate (make certs), pinned.
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(stack.Workspace.Repository.Read("secrets/tls.crt"));
        var clock = Stopwatch.StartNew();
        try
        {
            for (var wave = 0; wave < Connections / 100; wave++)
            {
                var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
                {
                    var client = new System.Net.Sockets.TcpClient();
                    lock (open)
                    {
                        open.Add(client);
                    }

                    try
                    {
                        await client.ConnectAsync(IPAddress.Loopback, stack.Workspace.Port("HTTPS_PORT"));
                        var tls = new System.Net.Security.SslStream(client.GetStream(), false, (_, presented, _, _) => presented?.GetCertHashString() == certificate.Thumbprint);
                        lock (open)
                        {
                            open.Add(tls);
                        }

                        await tls.AuthenticateAsClientAsync("localhost");
                        await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /health/ready HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\n\r\n"));
                        var buffer = new byte[12];
                        var read = 0;
                        while (read < buffer.Length && await tls.ReadAsync(buffer.AsMemory(read)) is var n and > 0)
                        {
                            read += n;
                        }

                        return read == buffer.Length ? Encoding.ASCII.GetString(buffer)[9..12] : "closed";
                    }
                    catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
                    {
                        return exception.GetType().Name;
                    }
                }));
                statuses.AddRange(answers);
            }
        }
        finally
        {
            // Streams before their sockets (they were added after them).
            foreach (var connection in Enumerable.Reverse(open))
            {
                connection.Dispose();
            }
        }

        var logs = (await DockerHost.RunAsync("service", "logs", "--since", since, $"{stack.Name}_nginx")).Output;
        var counts = string.Join(", ", statuses.CountBy(s => s).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} x {c.Key}"));
        Figures.Report($"{Connections} connections held open through Nginx in {clock.ElapsedMilliseconds} ms: {counts}");
        Assert.DoesNotContain("Too many open files", logs, StringComparison.Ordinal);
        // Every connection was accepted and answered: 200, or 429 from the per-client limits (one client address here).
        Assert.Equal(Connections, statuses.Count);
        Assert.All(statuses, status => Assert.True(status is "200" or "429", $"a connection got {status} ({counts})"));
        await SwarmDeployment.RefillClientBudgetAsync();
    }

    [Fact]
    public async Task A_body_over_one_megabyte_gets_413_from_nginx()
    {
        var body = $$"""{"subject":"{{new string('x', 2_000_000)}}","rating":3}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reviews") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;

        using var response = await stack.Proxy.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_burst_beyond_the_rate_limit_gets_429_and_the_limit_recovers()
    {
        // A proxied path: locations that Nginx answers itself (return) run before the rate limit.
        const int Burst = 400;
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => stack.StatusAsync(stack.ReviewPath)));
        var limited = statuses.Count(s => s == HttpStatusCode.TooManyRequests);

        Figures.Report($"burst of {Burst} requests in {clock.ElapsedMilliseconds} ms: {limited} got 429, {statuses.Count(s => s == HttpStatusCode.OK)} passed the limit");
        Assert.True(limited > 0, "no request of the burst was rate limited");
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.TooManyRequests or HttpStatusCode.OK, $"unexpected {s}"));
        await Poll.UntilAsync(async () => await stack.StatusAsync(stack.ReviewPath) == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "the limit lets requests through again");
        await SwarmDeployment.RefillClientBudgetAsync();
    }

    /// <summary>
    /// Grafana's pages need their scripts, styles and a WebSocket (Grafana Live): its location must not carry the
    /// API's Content-Security-Policy, and must pass the upgrade and the forwarded headers on.
    /// </summary>
    [Fact]
    public async Task Grafana_gets_websocket_upgrades_and_forwarded_headers_and_not_the_apis_content_security_policy()
    {
        var answer = (await Shell.RunAsync(Tools.Curl,
            // Browsers open WebSockets over HTTP/1.1: Nginx offers no extended CONNECT on its HTTP/2 listener.
            ["-sk", "--http1.1", "--include", "--max-time", "10", "-H", "Upgrade: websocket", "-H", "Connection: Upgrade",
             $"https://127.0.0.1:{stack.Workspace.Port("HTTPS_PORT")}/grafana/api/live/ws"], "/")).EnsureSuccess().StandardOutput;
        var (head, body) = (answer.Split("\r\n\r\n", 2)[0], answer.Split("\r\n\r\n", 2)[^1]);

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Contains("upgrade=websocket\n", body, StringComparison.Ordinal);
        Assert.Contains("connection=upgrade\n", body, StringComparison.Ordinal);
        Assert.Contains("x-forwarded-proto=https\n", body, StringComparison.Ordinal);
        Assert.Matches("x-forwarded-for=[0-9.]+\n", body);
        Assert.Matches("x-real-ip=[0-9.]+\n", body);
        Assert.Contains("uri=/grafana/api/live/ws\n", body, StringComparison.Ordinal);
        // The port too, as the browser's Origin has it, or Grafana Live refuses the WebSocket off port 443.
        Assert.Contains($"host=127.0.0.1:{stack.Workspace.Port("HTTPS_PORT")}\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Security-Policy", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Strict-Transport-Security", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-Content-Type-Options: nosniff", head, StringComparison.OrdinalIgnoreCase);
        Figures.Report($"Grafana through Nginx: upgrade, forwarded headers passed on; no API CSP ({body.ReplaceLineEndings(" ").Trim()})");
    }
}
