using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set, a read of the sample is traced end to end in the caller's trace: the HTTP
/// request, the PostgreSQL query and the Redis commands. Probes are not traced. The spans are taken in memory
/// beside the OTLP exporter, whose collector here is absent. Sampling follows the caller's decision, and records one
/// in ten of the traces that start here unless OTEL_TRACES_SAMPLER says otherwise.
/// </summary>
public sealed class TracingTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    // Listeners see every host of the process: other tests' requests are told apart by this test's own path (a 400).
    private readonly string path = $"/api/reviews/trace-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_read_has_spans_for_the_request_the_query_and_the_redis_commands_in_the_callers_trace()
    {
        service.Require(service.Postgres, service.Redis);
        var spans = new Spans();
        await using var api = Traced(spans);
        using var client = api.CreateClient();
        var review = await ReviewsApiTests.CreateAsync(client);
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/reviews/{review.Id}");
        read.Headers.Add("traceparent", $"00-{TraceId}-b7ad6b7169203331-01");

        (await client.SendAsync(read, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).Dispose();

        // Redis commands become spans when the instrumentation drains its profiler, every few seconds.
        await WaitUntilAsync(() => InTrace(spans.Snapshot()).Any(IsRedis), TimeSpan.FromSeconds(20));

        var trace = InTrace(spans.Snapshot());
        Assert.Contains(trace, span => span.Kind == ActivityKind.Server && span.DisplayName == "GET /api/reviews/{id}");
        Assert.Contains(trace, span => span.Source.Name == "Npgsql" && span.Kind == ActivityKind.Client);
        Assert.Contains(trace, IsRedis);
        Assert.DoesNotContain(spans.Snapshot(), span => span.Kind == ActivityKind.Server && span.DisplayName.Contains("/health", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_callers_decision_not_to_sample_is_kept_and_one_new_trace_in_ten_is_recorded()
    {
        var spans = new Spans();
        await using var api = Traced(spans);
        using var client = api.CreateClient();
        const int Requests = 300;
        for (var i = 0; i < Requests; i++)
        {
            using var unsampled = new HttpRequestMessage(HttpMethod.Get, path);
            unsampled.Headers.Add("traceparent", $"00-{TraceId}-b7ad6b7169203331-00");
            (await client.SendAsync(unsampled, TestContext.Current.CancellationToken)).Dispose();
            (await client.GetAsync(path, TestContext.Current.CancellationToken)).Dispose();
        }

        var servers = spans.Snapshot().Where(IsReviewRequest).ToList();
        Assert.Empty(InTrace(servers));
        // One in ten of 300 new traces: 30 expected; outside 5..75 happens less than once in a million runs.
        Assert.InRange(servers.Count, 5, 75);
    }

    [Fact]
    public async Task OTEL_TRACES_SAMPLER_overrides_the_default_ratio()
    {
        var spans = new Spans();
        await using var api = Traced(spans, web => web.UseSetting(TracingExtensions.SamplerVariable, "always_on"));
        using var client = api.CreateClient();

        for (var i = 0; i < 20; i++)
        {
            (await client.GetAsync(path, TestContext.Current.CancellationToken)).Dispose();
        }

        // A server span ends just after its answer has gone: the client can count before the last one arrives.
        await WaitUntilAsync(() => spans.Snapshot().Count(IsReviewRequest) >= 20, TimeSpan.FromSeconds(5));

        Assert.Equal(20, spans.Snapshot().Count(IsReviewRequest));
    }

    private WebApplicationFactory<Program> Traced(Spans spans, Action<IWebHostBuilder>? configure = null) =>
        service.WithWebHostBuilder(web =>
        {
            web.UseSetting(TracingExtensions.EndpointVariable, "http://127.0.0.1:9")
                .ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
            configure?.Invoke(web);
        });

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static List<Activity> InTrace(IEnumerable<Activity> spans) =>
        [.. spans.Where(span => span.TraceId.ToHexString() == TraceId)];

    private bool IsReviewRequest(Activity span) =>
        span.Kind == ActivityKind.Server && span.GetTagItem("url.path") as string == path;

    private static bool IsRedis(Activity span) => span.Source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal);

    /// <summary>
    /// The exporter adds spans on the threads that end them while the test reads: both sides take the same lock
    /// (the exporter's own lock is not ours, and a List read during an Add throws).
    /// </summary>
    private sealed class Spans : Collection<Activity>
    {
        private readonly Lock gate = new();

        public List<Activity> Snapshot()
        {
            lock (gate)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (gate)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
