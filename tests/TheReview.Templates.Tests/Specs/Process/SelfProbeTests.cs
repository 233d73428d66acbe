using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// The image's HEALTHCHECK command (<c>X.Api healthcheck</c>) speaks HTTP over a plain socket to stay cheap. It
/// must still say "live" only for a 2xx from /health/live on the management port, and "not live" for everything an
/// instance in trouble does instead: refuse, answer an error, close without an answer, hang, or answer garbage.
/// The answers that are not a live API come from a listener of the spec's own.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class SelfProbeTests(RunningServiceFixture service)
{
    [Fact]
    public async Task A_live_instance_passes_on_its_management_port_and_not_on_a_port_nobody_listens_on()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);

        var live = await ProbeAsync(api.Management.BaseAddress!.Port);
        var nobody = await ProbeAsync(FreePort.Next());

        Assert.True(live.ExitCode == 0, live.Output);
        Assert.True(nobody.ExitCode == 1, nobody.Output);
    }

    public static TheoryData<string, string[], int> Answers => new()
    {
        { "200 in one piece", ["HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nHealthy"], 0 },
        { "204 from HTTP/1.0", ["HTTP/1.0 204 No Content\r\n\r\n"], 0 },
        { "200 split across segments", ["HTTP/1.", "1 2", "00 OK\r\n\r\n"], 0 },
        { "503 while shutting down", ["HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\n\r\nUnhealthy"], 1 },
        { "404 from another server on the port", ["HTTP/1.1 404 Not Found\r\n\r\n"], 1 },
        { "closed without an answer", [], 1 },
        { "not HTTP", ["SSH-2.0-OpenSSH_9.2\r\n"], 1 },
        { "a status line cut short", ["HTTP/1.1 2"], 1 },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task The_probe_passes_only_on_a_2xx_from_health_live(string answer, string[] segments, int exitCode)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var answering = AnswerOnceAsync(listener, segments, hold: false);

        var probe = await ProbeAsync(((IPEndPoint)listener.LocalEndpoint).Port);
        var request = await answering;

        Assert.Equal("GET /health/live HTTP/1.1", request);
        Assert.True(probe.ExitCode == exitCode, $"{answer}: exit {probe.ExitCode}, expected {exitCode}\n{probe.Output}");
    }

    [Fact]
    public async Task An_instance_that_accepts_and_never_answers_fails_the_probe()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var answering = AnswerOnceAsync(listener, [], hold: true);

        var probe = await ProbeAsync(((IPEndPoint)listener.LocalEndpoint).Port);
        await answering;

        Assert.True(probe.ExitCode == 1, probe.Output);
    }

    [Theory]
    [InlineData("70000")]
    [InlineData("eighty-eighty")]
    public async Task A_wrong_management_port_fails_the_probe_with_the_setting_named(string port)
    {
        var probe = await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, new Dictionary<string, string?> { ["Management__Port"] = port }, "healthcheck");

        Assert.Equal(1, probe.ExitCode);
        Assert.Contains($"Management:Port (Management__Port) is '{port}'", probe.Output, StringComparison.Ordinal);
    }

    private Task<CommandResult> ProbeAsync(int port) =>
        ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly,
            new Dictionary<string, string?> { ["Management__Port"] = port.ToString(CultureInfo.InvariantCulture) }, "healthcheck");

    /// <summary>Accepts one connection, reads the request's head, writes each segment on its own, then closes or holds the connection.</summary>
    private static async Task<string> AnswerOnceAsync(TcpListener listener, string[] segments, bool hold)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[1024];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        foreach (var segment in segments)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(segment), timeout.Token);
            await stream.FlushAsync(timeout.Token);
            await Task.Delay(50, timeout.Token);
        }

        if (hold)
        {
            // Until the probe gives up and closes its end.
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }

        return head.ToString().Split("\r\n")[0];
    }
}
