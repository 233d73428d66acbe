namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>The benchmark measures; it never half-runs: what it needs is checked before it starts anything.</summary>
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
}
