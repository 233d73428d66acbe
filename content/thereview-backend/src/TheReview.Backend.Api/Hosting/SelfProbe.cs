using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// The <c>healthcheck</c> command: the container's HEALTHCHECK without curl or a shell. It asks the running
/// instance's <c>/health/live</c> on the management port and exits 0 on a 2xx, 1 otherwise. The management port
/// is the app's own setting, so the probe finds the instance however the operator chose the public port
/// (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS or Kestrel endpoints).
/// </summary>
/// <remarks>
/// The orchestrator starts this process at every interval of every replica, so it stays small: one blocking
/// socket and one HTTP/1.1 request instead of HttpClient, which alone cost about 165 ms of CPU and 3 MB per probe
/// (docs/architecture.md has the figures).
/// </remarks>
internal static class SelfProbe
{
    public const string Command = "healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static bool IsRequested(string[] args) => args is [Command, ..];

    public static int Run()
    {
        // The settings the instance read: its appsettings files beside the app and the environment.
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environments.Production;
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        int port;
        try
        {
            port = ManagementPort.PortOf(configuration);
        }
        catch (InvalidSettingException exception)
        {
            Console.Error.WriteLine(exception.Message);
            return 1;
        }

        try
        {
            return IsSuccess(StatusLineOf(port)) ? 0 : 1;
        }
        catch (SocketException)
        {
            // Refused, reset or timed out: not live.
            return 1;
        }
    }

    /// <summary>The first bytes of the answer to GET /health/live: enough for the status line's code.</summary>
    private static string StatusLineOf(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            SendTimeout = (int)Timeout.TotalMilliseconds,
            ReceiveTimeout = (int)Timeout.TotalMilliseconds,
        };
        // A connection to loopback is accepted or refused at once; the orchestrator's own timeout covers the rest.
        socket.Connect(IPAddress.Loopback, port);
        socket.Send(Encoding.ASCII.GetBytes($"GET {HealthExtensions.LivePath} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[16];
        var received = 0;
        int read;
        while (received < buffer.Length && (read = socket.Receive(buffer, received, buffer.Length - received, SocketFlags.None)) > 0)
        {
            received += read;
        }

        return Encoding.ASCII.GetString(buffer, 0, received);
    }

    // "HTTP/1.1 204 No Content": the version, a space and a code from 200 to 299.
    private static bool IsSuccess(string statusLine) =>
        statusLine.StartsWith("HTTP/", StringComparison.Ordinal)
        && statusLine.IndexOf(' ', StringComparison.Ordinal) is > 0 and var space
        && statusLine.Length >= space + 4
        && statusLine[space + 1] == '2'
        && char.IsAsciiDigit(statusLine[space + 2])
        && char.IsAsciiDigit(statusLine[space + 3]);
}
