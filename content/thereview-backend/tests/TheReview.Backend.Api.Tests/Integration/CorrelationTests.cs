using System.Net;
using System.Text.Json;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>One id per request: the W3C trace id is the X-Correlation-ID header and the ProblemDetails traceId.</summary>
public sealed class CorrelationTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task The_callers_traceparent_gives_the_id_of_the_header_and_of_the_problem()
    {
        using var client = service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing");
        request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(TraceId, response.Headers.GetValues(CorrelationIdMiddleware.HeaderName).Single());
        Assert.Equal(TraceId, await ProblemTraceIdAsync(response));
    }

    /// <summary>The host name of the container is nobody's business outside: no X-Instance unless Hosting:InstanceHeader asks.</summary>
    [Fact]
    public async Task Answers_do_not_name_the_instance_by_default()
    {
        using var client = service.CreateClient();

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.False(response.Headers.Contains(CorrelationIdMiddleware.InstanceHeaderName));
    }

    [Fact]
    public async Task Without_a_traceparent_the_header_and_the_problem_share_a_new_trace_id()
    {
        using var client = service.CreateClient();

        using var response = await client.GetAsync("/api/no-such-thing", TestContext.Current.CancellationToken);

        var header = response.Headers.GetValues(CorrelationIdMiddleware.HeaderName).Single();
        Assert.Matches("^[0-9a-f]{32}$", header);
        Assert.Equal(header, await ProblemTraceIdAsync(response));
    }

    private static async Task<string?> ProblemTraceIdAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return problem.RootElement.GetProperty("traceId").GetString();
    }
}
