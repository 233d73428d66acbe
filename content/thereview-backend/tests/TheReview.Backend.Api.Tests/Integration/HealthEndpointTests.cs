using System.Net;
using System.Text.Json;

namespace TheReview.Backend.Api.Tests.Integration;

public sealed class HealthEndpointTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    public async Task Liveness_answers_200_without_calling_any_datastore(string path)
    {
        using var client = service.CreateClient();

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_on_the_management_port_is_200_and_lists_every_datastore_when_all_are_up()
    {
        service.RequireAll();
        using var client = service.CreateManagementClient();

        var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var entries = body.RootElement.GetProperty("entries");
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        foreach (var store in service.Datastores)
        {
            Assert.True(entries.TryGetProperty(store.HealthCheck, out _), $"readiness should check {store.Name}");
        }
    }

    /// <summary>
    /// The status word alone: on the management port when plain text is all the caller accepts, and on the public
    /// port always, even to a caller asking for JSON (the per-check report is the management port's).
    /// </summary>
    [Theory]
    [InlineData(true, "text/plain")]
    [InlineData(false, "application/json")]
    public async Task Readiness_gives_the_status_alone_as_plain_text_or_on_the_public_port(bool managementPort, string accept)
    {
        service.RequireAll();
        using var client = managementPort ? service.CreateManagementClient() : service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        request.Headers.Accept.ParseAdd(accept);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Routing ignores case and a trailing slash, and a proxy's path rules can be spelled around: the port cannot.</summary>
    [Theory]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/Metrics")]
    [InlineData("/metrics/")]
    [InlineData("/metrics;x")]
    [InlineData("/%6Detrics")]
    [InlineData("//metrics")]
    [InlineData("/api/../metrics")]
    [InlineData("/health/ready/")]
    [InlineData("/HEALTH/READY")]
    [InlineData("/Health/Ready/")]
    [InlineData("/health/ready/details")]
    public async Task No_spelling_reaches_the_metrics_or_the_health_report_on_the_public_port(string path)
    {
        using var client = service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain("# TYPE", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"entries\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/health")]
    [InlineData("/api")]
    public async Task The_management_port_answers_nothing_but_metrics_and_health(string path)
    {
        using var client = service.CreateManagementClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_count_api_requests_but_not_probes_or_scrapes()
    {
        using var client = service.CreateClient();
        using var management = service.CreateManagementClient();
        foreach (var probe in new[] { "/health", "/health/live", "/health/ready" })
        {
            await client.GetAsync(probe, TestContext.Current.CancellationToken);
        }

        // After the first scrape, when prometheus-net would have started its adapters.
        (await management.GetAsync("/metrics", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var metrics = await management.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Contains("http_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("endpoint=\"/openapi/{documentName}.json\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("endpoint=\"/health", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("endpoint=\"/metrics", metrics, StringComparison.Ordinal);
        // Each request is recorded once: no second copy of ASP.NET Core's own meters (prometheus-net's adapter).
        // The runtime's meter stays.
        Assert.DoesNotContain("microsoft_aspnetcore_hosting_http_server_request_duration", metrics, StringComparison.Ordinal);
        Assert.Contains("system_runtime_dotnet_gc_heap_total_allocated", metrics, StringComparison.Ordinal);
    }

}
