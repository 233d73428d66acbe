using System.Net.Sockets;
using CliWrap;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// A Redis server of the test's own on a free loopback port, without persistence; it can be stopped and started,
/// and started from a configuration file (whose settings the port and persistence arguments override).
/// </summary>
public sealed class PrivateRedis(string? configFile = null) : IAsyncDisposable
{
    private readonly string server = TestServices.Program("redis-server", "/usr/bin/redis-server");
    private CancellationTokenSource? running;
    private Task? process;

    public int Port { get; } = FreePort.Next();

    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => process is { IsCompleted: false };

    public static async Task<PrivateRedis> StartAsync(string? configFile = null)
    {
        var redis = new PrivateRedis(configFile);
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        running = new CancellationTokenSource();
        process = Cli.Wrap(server)
            .WithArguments([.. configFile is null ? Array.Empty<string>() : [configFile], "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(running.Token);
        await Poll.UntilAsync(async () =>
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), $"redis-server on port {Port}");
    }

    public async Task StopAsync()
    {
        if (running is null || process is null)
        {
            return;
        }

        await running.CancelAsync();
        try
        {
            await process;
        }
        catch (OperationCanceledException)
        {
            // Cancelling is how the server is stopped.
        }

        running.Dispose();
        (running, process) = (null, null);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
