namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// The benchmark measures; it never half-runs: what it needs is checked before it starts anything. Its figures are
/// written as sentences (<c>figure KEY "LABEL" in UNIT was ... aim ... of VALUES</c>), each under its section, and
/// a paced run (bench/pace.lua) sends the rate it was asked for.
/// </summary>
[Tier(Tier.Static)]
public sealed class BenchmarkPreflightTests
{
    [Fact]
    public async Task Bench_run_without_a_docker_engine_stops_at_once_and_names_it()
    {
        var bench = Path.Combine(PackPaths.Root, "bench", "run");

        var run = await Shell.RunAsync("bash", [bench], PackPaths.Root,
            new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" }, TimeSpan.FromSeconds(60));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("bench/run needs ", run.StandardError, StringComparison.Ordinal);
        if (TestServices.InCi)
        {
            // CI installs every tool bench/run uses, so the engine is what it must name.
            Assert.Contains("bench/run needs a running Docker engine", run.StandardError, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("[bench", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_figure_records_its_section_median_and_aim_and_a_misspelt_word_stops_the_run()
    {
        var figures = Path.Combine(PackPaths.NewTempDirectory("bench-figures"), "figures.jsonl");
        var helpers = $"figures={figures}; log() {{ :; }}; eval \"$(sed -n '/^section() {{/,/^current_section=setup/p' bench/run)\"; section throughput; ";

        (await Shell.RunAsync("bash", ["-euo", "pipefail", "-c", helpers + "figure p99 'p99, direct' in ms was '50 ms' aim '<= 20 ms' le 20 of 30 10 12; printf '4\\n5\\n' | figure ratio 'Ratio' in x; figure rps 'Requests/s' in req/s aim '>= 100' ge 100 of 90 95 99"],
            PackPaths.Root)).EnsureSuccess();
        var misspelt = await Shell.RunAsync("bash", ["-euo", "pipefail", "-c", helpers + "figure p50 'p50' in ms goal 20 of 1"], PackPaths.Root);

        var rows = (await File.ReadAllLinesAsync(figures, TestContext.Current.CancellationToken)).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["throughput", "throughput", "throughput"], rows.Select(row => row.GetProperty("section").GetString()));
        Assert.Equal(12, rows[0].GetProperty("median").GetDouble());
        Assert.Equal("50 ms", rows[0].GetProperty("reference").GetString());
        Assert.True(rows[0].GetProperty("met").GetBoolean(), "a median of 12 ms meets an aim of 20 ms or less");
        Assert.Equal(4.5, rows[1].GetProperty("median").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[1].GetProperty("met").ValueKind);
        Assert.False(rows[2].GetProperty("met").GetBoolean(), "a median of 95 misses an aim of at least 100");
        Assert.Equal(2, misspelt.ExitCode);
        Assert.Contains("figure p50: unknown word 'goal'", misspelt.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pacing_script_holds_wrk_to_the_asked_rate_whatever_the_latency()
    {
        const int Rate = 400;
        var wrk = TestServices.Program("wrk");
        var port = FreePort.Next(1)[0];
        using var server = new System.Net.HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        using var stop = new CancellationTokenSource();
        // An answer after 0-4 ms: a fixed wait between requests would fall short of the rate by the latency.
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var context = await server.GetContextAsync().WaitAsync(stop.Token);
                _ = Task.Run(async () =>
                {
                    await Task.Delay(Random.Shared.Next(0, 5));
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                });
            }
        });

        async Task<double> RequestsPerSecondAsync(params string[] pacing)
        {
            var run = (await Shell.RunAsync(wrk, ["--threads", "2", "--connections", "20", "--duration", "3s", .. pacing, $"http://127.0.0.1:{port}/"],
                PackPaths.Root, new Dictionary<string, string?> { ["WRK_THREADS"] = "2", ["BENCH_RATE"] = $"{Rate}" })).EnsureSuccess();
            var line = run.StandardOutput.Split('\n').Single(l => l.StartsWith("Requests/sec:", StringComparison.Ordinal));
            return double.Parse(line["Requests/sec:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var paced = await RequestsPerSecondAsync("--script", Path.Combine(PackPaths.Root, "bench", "pace.lua"));
        var unpaced = await RequestsPerSecondAsync();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serving);

        Figures.Report($"asked {Rate} requests/s: paced {paced:F0}, unpaced {unpaced:F0}");
        Assert.InRange(paced, Rate * 0.97, Rate * 1.03);
        Assert.True(unpaced > Rate * 2, $"without the script wrk sent {unpaced:F0} requests/s: the server cannot tell pacing from its own limit");
    }
}
