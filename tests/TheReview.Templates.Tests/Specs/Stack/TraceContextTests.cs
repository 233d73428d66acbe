using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace TheReview.Templates.Tests.Specs.Stack;

/// <summary>
/// One id follows a request through Nginx and the API: the W3C trace id of the <c>traceparent</c> Nginx starts is
/// the answer's <c>X-Correlation-ID</c>, the ProblemDetails <c>traceId</c>, the API log event's <c>@tr</c> and part
/// of Nginx's access log line. A caller from the internet cannot choose it (nor the sampling): its traceparent is
/// replaced at the edge. The replicas export that trace to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT.
/// </summary>
[Collection(ProductionDeployment.Name)]
[Tier(Tier.Stack)]
public sealed class TraceContextTests(SwarmDeployment stack)
{
    private static string MissingReviewPath => $"/api/reviews/{Guid.NewGuid()}";

    [Fact]
    public async Task A_traceparent_from_the_internet_is_replaced_by_the_one_nginx_starts_in_the_answer_the_problem_and_the_api_log()
    {
        var chosen = RandomNumberGenerator.GetHexString(32, lowercase: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, MissingReviewPath);
        request.Headers.Add("traceparent", $"00-{chosen}-00f067aa0ba902b7-01");

        using var response = await stack.Proxy.SendAsync(request);

        var traceId = response.Headers.GetValues("X-Correlation-ID").Single();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.NotEqual(chosen, traceId);
        Assert.Equal(traceId, await ProblemTraceIdAsync(response));
        await Poll.UntilAsync(async () => (await LogsAsync("api")).Contains($"\"@tr\":\"{traceId}\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the API's log line with Nginx's trace id");
        Assert.DoesNotContain(chosen, await LogsAsync("api"), StringComparison.Ordinal);
        Figures.Report($"a caller's traceparent ({chosen}) replaced at the edge by {traceId}");
    }

    [Fact]
    public async Task Without_one_nginx_starts_the_trace_and_logs_its_id()
    {
        using var response = await stack.Proxy.GetAsync(new Uri(MissingReviewPath, UriKind.Relative));

        var traceId = response.Headers.GetValues("X-Correlation-ID").Single();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Equal(traceId, await ProblemTraceIdAsync(response));
        await Poll.UntilAsync(async () => (await LogsAsync("nginx")).Contains($"\"traceparent\":\"00-{traceId}-", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "Nginx's access log line with the trace it started");
        Figures.Report($"trace started by Nginx: {traceId}");
    }

    [Fact]
    public async Task A_read_through_nginx_is_exported_to_the_collector_with_spans_for_the_request_the_query_and_redis()
    {
        if (stack.Collector is not { } collector)
        {
            TestServices.Unavailable("opentelemetry-proto is not installed: the tests' OTLP collector is built from its .proto files");
            return;
        }

        var review = await stack.CreateReviewAsync("Grinder");

        // Nginx starts the trace (sampled), as for every caller from the internet.
        using var response = await stack.Proxy.GetAsync(new Uri(review, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        var traceId = response.Headers.GetValues("X-Correlation-ID").Single();

        // The exporter sends every few seconds, and Redis commands become spans when their profiler is drained.
        List<ReceivedSpan> trace = [];
        var waited = await Poll.UntilAsync(() =>
        {
            trace = [.. collector.Spans.Where(span => span.TraceId == traceId)];
            return Task.FromResult(trace.Any(IsRedis) && trace.Any(IsPostgres) && trace.Any(IsRequest));
        }, TimeSpan.FromSeconds(60), "the read's spans at the collector");

        Assert.All(trace, span => Assert.Equal("Orders.Api", span.Service));
        Assert.DoesNotContain(collector.Spans, span => span.Name.Contains("/health", StringComparison.Ordinal) || span.Name.Contains("/metrics", StringComparison.Ordinal));
        Figures.Report($"trace {traceId} at the collector after {waited.TotalSeconds:F1} s: " +
            string.Join(", ", trace.Select(span => $"{span.Name} ({span.Kind}, {span.Scope})").Distinct()));

        static bool IsRequest(ReceivedSpan span) => span.Kind == "Server" && span.Name == "GET /api/reviews/{id}";
        static bool IsPostgres(ReceivedSpan span) => span.Scope == "Npgsql" && span.Kind == "Client";
        static bool IsRedis(ReceivedSpan span) => span.Scope.Contains("StackExchangeRedis", StringComparison.Ordinal);
    }

    // The running containers' own logs: `docker service logs` can wait forever for a task whose container is gone
    // (a rolling update or a rollback of another spec leaves such tasks behind).
    private async Task<string> LogsAsync(string service)
    {
        var containers = (await DockerHost.RunAsync("ps", "--quiet", "--filter", $"label=com.docker.swarm.service.name={stack.Name}_{service}"))
            .EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var logs = await Task.WhenAll(containers.Select(async container =>
            (await DockerHost.RunAsync("logs", "--since", "5m", container)).Output));
        return string.Concat(logs);
    }

    private static async Task<string?> ProblemTraceIdAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("traceId").GetString();
    }
}
