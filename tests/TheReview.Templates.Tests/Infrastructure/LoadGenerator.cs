using System.Collections.Concurrent;
using System.Diagnostics;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>What a bounded load run saw.</summary>
public sealed record LoadReport(int Requests, int Failures, TimeSpan MaxLatency, IReadOnlyList<string> FailureSamples, TimeSpan Interruption)
{
    public override string ToString() =>
        $"{Requests} requests, {Failures} failed, max latency {MaxLatency.TotalMilliseconds:F0} ms" +
        (Failures > 0 ? $", interruption {Interruption.TotalMilliseconds:F0} ms" : "");
}

/// <summary>
/// Steady GET requests at a fixed rate to one URL on 127.0.0.1, until stopped or a hard limit on count and
/// time is reached. Every request that is not 2xx, or does not complete, counts as a failure. A load run is a
/// zero-failure window: it has the cores alone (<see cref="QuietCores"/>) from its start until it stops.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentBag<(bool Ok, TimeSpan Sent, TimeSpan Latency, string? Failure)> results = [];
    private readonly Stopwatch since = Stopwatch.StartNew();
    private readonly Task run;
    private readonly IAsyncDisposable window;

    private LoadGenerator(HttpClient client, string path, int perSecond, TimeSpan limit, IAsyncDisposable window)
    {
        this.window = window;
        run = RunAsync(client, path, perSecond, limit);
    }

    public static async Task<LoadGenerator> StartAsync(HttpClient client, string path, int perSecond = 20, TimeSpan? limit = null)
    {
        Assert.Equal("127.0.0.1", client.BaseAddress!.Host);
        var (window, quiet, waited) = await QuietCores.Shared.OpenAsync(QuietCores.CurrentCollection ?? "?", TestContext.Current.CancellationToken);
        Figures.Report(quiet
            ? $"the cores were the load run's alone after {waited.TotalSeconds:F1} s"
            : $"a neighbour's command still ran after {waited.TotalSeconds:F0} s; the load run started beside it");
        return new(client, path, perSecond, limit ?? TimeSpan.FromMinutes(6), window);
    }

    public async Task<LoadReport> StopAsync()
    {
        await stop.CancelAsync();
        await run;
        await window.DisposeAsync();
        var all = results.ToList();
        var failed = all.Where(r => !r.Ok).ToList();
        // From the first failed request's start to the last one's end: how long clients saw the service away.
        var interruption = failed.Count == 0 ? TimeSpan.Zero : failed.Max(r => r.Sent + r.Latency) - failed.Min(r => r.Sent);
        return new LoadReport(
            all.Count,
            failed.Count,
            all.Count == 0 ? TimeSpan.Zero : all.Max(r => r.Latency),
            [.. failed.Select(r => r.Failure!).Distinct().Take(5)],
            interruption);
    }

    private async Task RunAsync(HttpClient client, string path, int perSecond, TimeSpan limit)
    {
        var inFlight = new List<Task>();
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var clock = Stopwatch.StartNew();
        var maxRequests = (int)(limit.TotalSeconds * perSecond);
        for (var sent = 0; sent < maxRequests && !stop.IsCancellationRequested && clock.Elapsed < limit; sent++)
        {
            inFlight.Add(SendAsync(client, path));
            var next = interval * (sent + 1) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(next, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(inFlight);
    }

    private async Task SendAsync(HttpClient client, string path)
    {
        var sent = since.Elapsed;
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.GetAsync(path);
            results.Add((response.IsSuccessStatusCode, sent, clock.Elapsed, response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}"));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            results.Add((false, sent, clock.Elapsed, $"{exception.GetType().Name}: {exception.Message}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!run.IsCompleted)
        {
            await StopAsync();
        }

        await window.DisposeAsync();
        stop.Dispose();
    }
}
