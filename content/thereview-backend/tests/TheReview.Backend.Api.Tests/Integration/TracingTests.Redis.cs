using System.Diagnostics;

namespace TheReview.Backend.Api.Tests.Integration;

public sealed partial class TracingTests
{
    /// <summary>A read of the sample, end to end in the caller's trace: the request, the PostgreSQL query, the Redis commands; probes are not traced.</summary>
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

    private static bool IsRedis(Activity span) => span.Source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal);
}
