using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// The API as a process while the PostgreSQL and Redis servers that this test owns stop and start:
/// readiness follows them, liveness does not, and the process never exits or needs a restart.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class DatastoreOutageTests(RunningServiceFixture service)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_postgres_outage_turns_readiness_503_within_5_s_and_the_api_recovers_without_a_restart()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);
        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health"));
        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/ready"));

        await service.Postgres.StopAsync();
        try
        {
            var down = await Poll.UntilAsync(async () => await api.StatusAsync("/health/ready") == HttpStatusCode.ServiceUnavailable, Bound, "readiness 503");
            var entries = (await api.ReadinessReportAsync()).GetProperty("entries");
            Assert.Equal("Unhealthy", entries.GetProperty("postgres").GetProperty("status").GetString());
            Assert.Equal("Healthy", entries.GetProperty("redis").GetProperty("status").GetString());
            Assert.DoesNotContain("exception", entries.GetProperty("postgres").GetRawText(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/live"));
            Figures.Report($"readiness turned 503 {down.TotalMilliseconds:F0} ms after PostgreSQL stopped; liveness stayed 200");
        }
        finally
        {
            await service.Postgres.StartAgainAsync();
        }

        var up = await Poll.UntilAsync(async () => await api.StatusAsync("/health/ready") == HttpStatusCode.OK, Bound, "readiness back to 200");
        Figures.Report($"readiness back to 200 {up.TotalMilliseconds:F0} ms after PostgreSQL started");
        await AssertTheSampleWorksAsync(api);
        Assert.False(api.HasExited);
    }

    /// <summary>
    /// Prometheus sees a datastore go away at its next scrape, with no probe before it: the scrape runs the checks
    /// when no probe result is fresh.
    /// </summary>
    [Fact]
    public async Task A_scrape_with_no_probe_before_it_shows_redis_going_away_and_coming_back()
    {
        const string Up = "aspnetcore_healthcheck_status{name=\"redis\"} 1";
        const string Down = "aspnetcore_healthcheck_status{name=\"redis\"} 0";
        await using var api = await service.StartAsync(service.WithoutMongo);
        Assert.Contains(Up, await api.Management.GetStringAsync("/metrics"), StringComparison.Ordinal);

        await service.Redis.StopAsync();
        try
        {
            Assert.Contains(Down, await api.Management.GetStringAsync("/metrics"), StringComparison.Ordinal);
        }
        finally
        {
            await service.Redis.StartAgainAsync();
        }

        var up = await Poll.UntilAsync(async () => (await api.Management.GetStringAsync("/metrics")).Contains(Up, StringComparison.Ordinal), Bound, "redis healthy in a scrape");
        Figures.Report($"a scrape showed Redis healthy again {up.TotalMilliseconds:F0} ms after it started");
    }

    /// <summary>
    /// PostgreSQL stops while the API serves: a write and a list are the service's outage (503 ProblemDetails with
    /// Retry-After, naming the store), never a 500, and both succeed again within 5 s of the server's return.
    /// </summary>
    [Fact]
    public async Task During_a_postgres_outage_writes_and_lists_answer_503_with_retry_after_and_recover_within_5_s()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);
        await CreateReviewAsync(api);

        await service.Postgres.StopAsync();
        var answers = new List<string>();
        try
        {
            foreach (var request in OutageRequests())
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var response = await api.Client.SendAsync(request);
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                answers.Add($"{request.Method} {(int)response.StatusCode} in {clock.ElapsedMilliseconds} ms");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("PostgreSQL is unavailable.", problem.GetProperty("title").GetString());
            }
        }
        finally
        {
            await service.Postgres.StartAgainAsync();
        }

        var back = await Poll.UntilAsync(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            foreach (var request in OutageRequests())
            {
                using var response = await api.Client.SendAsync(request);
                statuses.Add(response.StatusCode);
            }

            return statuses.All(status => (int)status is >= 200 and < 300);
        }, Bound, "writes and lists 2xx after PostgreSQL's return");
        Figures.Report($"PostgreSQL outage: {string.Join(", ", answers)}; 2xx again {back.TotalMilliseconds:F0} ms after it started");
    }

    private static IEnumerable<HttpRequestMessage> OutageRequests() =>
    [
        new(HttpMethod.Post, "/api/reviews") { Content = JsonContent.Create(new { subject = "Scale", rating = 2 }) },
        new(HttpMethod.Get, "/api/reviews?take=5"),
    ];

    [Fact]
    public async Task A_redis_outage_degrades_reads_to_the_database_without_a_single_5xx()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);
        var review = await CreateReviewAsync(api);
        Assert.Equal("MISS", await api.CacheHeaderAsync(review));
        Assert.Equal("HIT", await api.CacheHeaderAsync(review));

        await service.Redis.StopAsync();
        LoadReport reads;
        try
        {
            var down = await Poll.UntilAsync(async () => await api.StatusAsync("/health/ready") == HttpStatusCode.ServiceUnavailable, Bound, "readiness 503");
            await using var load = await LoadGenerator.StartAsync(api.Client, review, perSecond: 50, limit: TimeSpan.FromSeconds(20));
            await Task.Delay(TimeSpan.FromSeconds(4));
            var write = await CreateReviewAsync(api);
            Assert.Equal("MISS", await api.CacheHeaderAsync(write));
            Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/live"));
            reads = await load.StopAsync();
            Figures.Report($"Redis outage: readiness 503 after {down.TotalMilliseconds:F0} ms; reads during the outage: {reads}");
        }
        finally
        {
            await service.Redis.StartAgainAsync();
        }

        Assert.True(reads.Requests >= 100, $"only {reads.Requests} reads were sent during the outage");
        Assert.True(reads.Failures == 0, $"reads failed while Redis was down: {reads}: {string.Join("; ", reads.FailureSamples)}");
        var up = await Poll.UntilAsync(async () => await api.StatusAsync("/health/ready") == HttpStatusCode.OK, Bound, "readiness back to 200");
        await Poll.UntilAsync(async () => await api.CacheHeaderAsync(review) == "HIT", Bound, "reads served from Redis again");
        Figures.Report($"readiness back to 200 {up.TotalMilliseconds:F0} ms after Redis started; the cache serves again without a restart");
        Assert.False(api.HasExited);
    }

    [Fact]
    public async Task The_api_starts_without_its_datastores_and_becomes_ready_when_they_appear()
    {
        var environment = service.Environment(await service.NewDatabaseAsync());
        (await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, environment, "migrate")).EnsureSuccess();
        await service.Postgres.StopAsync();
        await service.Redis.StopAsync();
        var stopped = true;
        try
        {
            await using var api = await ApiProcess.StartAsync(service.WithoutMongo.ApiAssembly, environment, service.Authorization);
            Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/live"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await api.StatusAsync("/health/ready"));

            // No crash loop: the process stays up, answering, while nothing is there.
            for (var second = 0; second < 5; second++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                Assert.False(api.HasExited, $"the API exited without its datastores:\n{api.Output}");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, await api.StatusAsync("/health/ready"));
            }

            await service.Postgres.StartAgainAsync();
            await service.Redis.StartAgainAsync();
            stopped = false;
            var ready = await Poll.UntilAsync(async () => await api.StatusAsync("/health/ready") == HttpStatusCode.OK, Bound, "readiness once the datastores appear");
            Figures.Report($"started without PostgreSQL and Redis: live 200, ready 503 for 5 s, ready 200 {ready.TotalMilliseconds:F0} ms after they started");
            await AssertTheSampleWorksAsync(api);
        }
        finally
        {
            if (stopped)
            {
                await service.Postgres.StartAgainAsync();
                await service.Redis.StartAgainAsync();
            }
        }
    }

    private static async Task AssertTheSampleWorksAsync(ApiProcess api)
    {
        var review = await CreateReviewAsync(api);
        using var read = await api.Client.GetAsync(review);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    private static async Task<string> CreateReviewAsync(ApiProcess api)
    {
        using var created = await api.Client.PostAsJsonAsync("/api/reviews", new { subject = "Grinder", rating = 4 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        return $"/api/reviews/{id}";
    }
}
