using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// The generated API as a process against real PostgreSQL and Redis servers that the test owns,
/// so it can stop and start them. Mostly generated with MongoDB off: its server is used only when THEREVIEW_TEST_MONGODB names one.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class RunningServiceTests(RunningServiceFixture service)
{
    /// <summary>An operator reads a healthy first deploy, and every later one, without a single error or warning.</summary>
    [Fact]
    public async Task Migrations_apply_on_an_empty_database_and_again_with_no_error_or_warning_logged()
    {
        var database = await service.NewDatabaseAsync();

        var first = await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, service.Environment(database), "migrate");
        var second = await ApiProcess.RunCommandAsync(service.WithoutMongo.ApiAssembly, service.Environment(database), "migrate");

        Assert.All([first, second], migrate => Assert.DoesNotMatch(@"""@l"":""(Error|Warning|Fatal)""", migrate.EnsureSuccess().Output));
        // The job's one line, written at its exit: the log above was read in full, not cut off.
        var latest = Path.GetFileNameWithoutExtension(service.WithoutMongo.Migrations.Max(StringComparer.Ordinal));
        Assert.Matches($"\"Applied\":{service.WithoutMongo.Migrations.Count}[,}}]", MigratedLine(first));
        Assert.Matches("\"Applied\":0[,}]", MigratedLine(second));
        Assert.All([first, second], migrate => Assert.Contains($"\"Migration\":\"{latest}\"", MigratedLine(migrate), StringComparison.Ordinal));
        Assert.Equal(service.WithoutMongo.Migrations.Count, await service.Postgres.ScalarAsync(database, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
        Assert.Equal(0, await service.Postgres.ScalarAsync(database, "SELECT count(*) FROM reviews"));
    }

    /// <summary>
    /// What <c>make dev-up</c> and <c>make run</c> do on a fresh database: the Development settings migrate at
    /// start, so the first run ends ready with no step to remember. Production leaves it to the migrate job.
    /// </summary>
    [Fact]
    public async Task In_development_a_fresh_database_is_migrated_at_start_and_the_api_ends_ready()
    {
        var database = await service.NewDatabaseAsync();
        var environment = service.Environment(database);
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";

        await using (var production = await ApiProcess.StartAsync(service.WithoutMongo.ApiAssembly, service.Environment(database), service.Authorization))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await production.StatusAsync("/health/ready"));
        }

        await using var api = await ApiProcess.StartAsync(service.WithoutMongo.ApiAssembly, environment, service.Authorization);

        await Poll.UntilAsync(async () => await api.StatusAsync("/health/ready") == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "readiness after the migration at start");
        Assert.Equal(service.WithoutMongo.Migrations.Count, await service.Postgres.ScalarAsync(database, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
        using var created = await api.Client.PostAsJsonAsync("/api/reviews", new { subject = "Grinder", rating = 5 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Readiness_is_503_naming_mongo_when_mongo_is_configured_but_unreachable()
    {
        await using var api = await service.StartAsync(service.Default, mongo: $"mongodb://127.0.0.1:{FreePort.Next()}/orders");

        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/live"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await api.StatusAsync("/health/ready"));
        var entries = (await api.ReadinessReportAsync()).GetProperty("entries");
        Assert.Equal("Unhealthy", entries.GetProperty("mongo").GetProperty("status").GetString());
        Assert.Equal("Healthy", entries.GetProperty("postgres").GetProperty("status").GetString());
    }

    /// <summary>
    /// A MongoDB outage is the service's 503, not a bug's 500: reads of the activity log answer ProblemDetails
    /// with Retry-After; writes still succeed (the activity is logged and skipped), and once the circuit breaker
    /// has opened neither waits for server selection any more.
    /// </summary>
    [Fact]
    public async Task With_mongo_unreachable_activity_reads_answer_503_problem_details_and_writes_succeed()
    {
        await using var api = await service.StartAsync(service.Default, mongo: $"mongodb://127.0.0.1:{FreePort.Next()}/orders?serverSelectionTimeoutMS=1000");
        var writes = new List<double>();
        var reads = new List<double>();

        for (var i = 0; i < 4; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var created = await api.Client.PostAsJsonAsync("/api/reviews", new { subject = $"Kettle {i}", rating = 4 });
            writes.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

            clock.Restart();
            using var activity = await api.Client.GetAsync(new Uri($"/api/reviews/{id}/activity", UriKind.Relative));
            reads.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, activity.StatusCode);
            Assert.Equal("application/problem+json", activity.Content.Headers.ContentType?.MediaType);
            Assert.True(activity.Headers.RetryAfter is not null, "no Retry-After header");
            var problem = await activity.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Equal("MongoDB is unavailable.", problem.GetProperty("title").GetString());
            Assert.DoesNotContain("Exception", problem.GetRawText(), StringComparison.Ordinal);
        }

        Figures.Report($"MongoDB unreachable (server selection bound 1 s): writes {string.Join(", ", writes.Select(w => $"{w:F0}"))} ms, activity reads 503 in {string.Join(", ", reads.Select(r => $"{r:F0}"))} ms");
    }

    [Fact]
    public async Task Readiness_is_200_with_a_reachable_mongo()
    {
        var mongo = TestServices.Mongo;
        if (mongo is null)
        {
            Assert.Skip($"No MongoDB server configured: set {TestServices.MongoVariable} to run the MongoDB-positive paths");
        }

        await using var api = await service.StartAsync(service.Default, mongo);

        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/ready"));
    }

    /// <summary>
    /// The real server, not the in-memory one: Kestrel knows each connection's local port, so the metrics and the
    /// report answer on the management port, and no spelling of their paths reaches them on the public port.
    /// </summary>
    [Fact]
    public async Task Metrics_and_the_health_report_answer_on_the_management_port_and_no_spelling_reaches_them_on_the_public_port()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);

        var leaks = await PrivatePaths.LeaksAsync(api.BaseAddress.ToString().TrimEnd('/'));
        var metrics = await api.Management.GetStringAsync("/metrics");
        var report = await api.ReadinessReportAsync();
        using var other = await api.Management.GetAsync("/openapi/v1.json");

        Assert.True(leaks.Count == 0, "The public port answered a private path: " + string.Join(", ", leaks));
        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
        Assert.True(report.TryGetProperty("entries", out _));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Figures.Report($"{PrivatePaths.Spellings.Length} spellings of /metrics and /health/ready on the public port: none answered the metrics or the report");
    }

    /// <summary>The OpenAPI document maps the API for anyone: production serves it only when OpenApi__Enabled asks.</summary>
    [Fact]
    public async Task In_production_the_openapi_document_is_served_only_when_enabled()
    {
        await using var closed = await service.StartAsync(service.WithoutMongo);
        var environment = service.Environment(await service.NewDatabaseAsync());
        environment["OpenApi__Enabled"] = "true";
        await using var open = await ApiProcess.StartAsync(service.WithoutMongo.ApiAssembly, environment, service.Authorization);

        Assert.Equal(HttpStatusCode.NotFound, await closed.StatusAsync("/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, await open.StatusAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task Metrics_carry_http_durations_and_health_check_status()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);
        await api.StatusAsync("/health/ready");

        var metrics = await Poll.UntilAsync(
            async () => (await api.Management.GetStringAsync("/metrics")).Contains("aspnetcore_healthcheck_status", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "health-check status metric");
        var text = await api.Management.GetStringAsync("/metrics");

        Assert.Contains("http_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("aspnetcore_healthcheck_status{name=\"postgres\"} 1", text, StringComparison.Ordinal);
        Assert.True(metrics < TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The health gauge is computed when Prometheus scrapes, not on a timer: a replica that nobody probes or scrapes
    /// sends PostgreSQL nothing, and the next scrape runs the checks.
    /// </summary>
    [Fact]
    public async Task A_replica_that_nobody_probes_or_scrapes_sends_postgres_nothing_and_a_scrape_checks_it()
    {
        var (api, database) = await service.StartOnNewDatabaseAsync(service.WithoutMongo);
        await using var running = api;
        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/ready"));
        var sql = $"SELECT coalesce(max(query_start)::text, '') FROM pg_stat_activity WHERE datname = '{database}'";
        var before = await service.Postgres.TextAsync("postgres", sql);

        // Longer than the 15 s the gauge was published at before.
        await Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Assert.Equal(before, await service.Postgres.TextAsync("postgres", sql));

        var metrics = await api.Management.GetStringAsync("/metrics");
        Assert.Contains("aspnetcore_healthcheck_status{name=\"postgres\"} 1", metrics, StringComparison.Ordinal);
        Assert.NotEqual(before, await service.Postgres.TextAsync("postgres", sql));
    }

    [Fact]
    public async Task Dashboards_and_alert_rules_name_only_metrics_that_are_exported()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);
        await api.StatusAsync("/health/ready");
        await api.StatusAsync("/api/reviews");
        await Poll.UntilAsync(
            async () => (await api.Management.GetStringAsync("/metrics")).Contains("aspnetcore_healthcheck_status", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "health-check status metric");
        var exported = PromQl.ExportedNames(await api.Management.GetStringAsync("/metrics"))
            .Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "metrics"), "*.txt").SelectMany(File.ReadAllLines))
            .ToHashSet(StringComparer.Ordinal);
        var queries = PromQl.Queries(service.Default).ToList();

        Assert.NotEmpty(queries);
        var unknown = queries
            .SelectMany(query => PromQl.MetricNames(query.Expression).Select(metric => (query.Source, metric)))
            .Where(use => !exported.Contains(use.metric))
            .Select(use => $"{use.Source}: {use.metric}")
            .ToList();
        Assert.True(unknown.Count == 0, "Unknown metrics:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public async Task The_reviews_sample_creates_reads_from_cache_and_lists()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);
        var review = new { subject = "Espresso machine", rating = 5, text = "Great crema." };

        using var created = await api.Client.PostAsJsonAsync("/api/reviews", review);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        Assert.Equal("MISS", await api.CacheHeaderAsync($"/api/reviews/{id}"));
        Assert.Equal("HIT", await api.CacheHeaderAsync($"/api/reviews/{id}"));
        var page = await api.Client.GetFromJsonAsync<JsonElement>("/api/reviews");
        Assert.Contains(page.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == id);
    }

    private static string MigratedLine(CommandResult migrate) =>
        Assert.Single(migrate.Output.Split('\n'), line => line.Contains("Migrations applied", StringComparison.Ordinal));
}
