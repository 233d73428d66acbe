using System.Net;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// The production log writes its JSON lines in batches (one write for many requests): no request may go
/// unlogged for it, and a stop writes what is still waiting.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class RequestLogTests(RunningServiceFixture service)
{
    private const int Requests = 300;

    [Fact]
    public async Task Every_request_is_logged_once_within_a_second_and_a_sigterm_writes_the_lines_still_waiting()
    {
        // One client sends them all: the per-client limit would answer most of them 429 before they were logged.
        var (running, _) = await service.StartOnNewDatabaseAsync(service.WithoutMongo, settings: new Dictionary<string, string?>
        {
            ["RateLimit__PermitsPerSecond"] = "100000",
            ["RateLimit__Burst"] = "100000",
        });
        await using var api = running;

        var paths = Enumerable.Range(0, Requests).Select(_ => $"/api/reviews/{Guid.CreateVersion7()}").ToList();
        Assert.All(await Task.WhenAll(paths.Select(api.StatusAsync)), status => Assert.Equal(HttpStatusCode.NotFound, status));
        var waited = await Poll.UntilAsync(() => Task.FromResult(paths.All(path => RequestLines(api.Output, path) == 1)), TimeSpan.FromSeconds(5),
            () => $"a request line for each of {Requests} requests; {paths.Count(path => RequestLines(api.Output, path) == 0)} missing, "
                + $"{paths.Count(path => RequestLines(api.Output, path) > 1)} logged more than once");
        Figures.Report($"{Requests} requests: each logged once, the last {waited.TotalMilliseconds:F0} ms after its answer");

        // The last requests, then SIGTERM at once: their lines are still in the batch when the stop begins.
        var last = Enumerable.Range(0, 20).Select(_ => $"/api/reviews/{Guid.CreateVersion7()}").ToList();
        Assert.All(await Task.WhenAll(last.Select(api.StatusAsync)), status => Assert.Equal(HttpStatusCode.NotFound, status));
        await api.TerminateAsync();
        Assert.Equal(0, await api.ExitCodeAsync(TimeSpan.FromSeconds(30)));
        Assert.All(last, path => Assert.True(RequestLines(api.Output, path) == 1, $"{path} logged {RequestLines(api.Output, path)} times after the stop"));
        Assert.All(api.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("{", line, StringComparison.Ordinal));
    }

    // The request's completion line: other events during a request (a slow cache, say) carry its path too.
    private static int RequestLines(string output, string path) =>
        output.Split('\n').Count(line => line.Contains($"\"RequestPath\":\"{path}\"", StringComparison.Ordinal)
            && line.Contains("\"StatusCode\":404", StringComparison.Ordinal));
}
