using System.Diagnostics;
using System.Net;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// The API's own rate limit, on the real server without a proxy in front: a client over its burst gets 429
/// ProblemDetails with <c>Retry-After</c>, and an <c>X-Forwarded-For</c> from an untrusted address changes nothing.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class ApiProtectionTests(RunningServiceFixture service)
{
    private const int Burst = 5;

    [Fact]
    public async Task A_burst_straight_at_the_api_gets_429_with_retry_after_whatever_it_forwards()
    {
        var environment = service.Environment(await service.NewDatabaseAsync());
        environment["RateLimit__PermitsPerSecond"] = "1";
        environment["RateLimit__Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // An anonymous endpoint that is no probe: the document, which production serves only when asked.
        environment["OpenApi__Enabled"] = "true";
        await using var api = await ApiProcess.StartAsync(service.WithoutMongo.ApiAssembly, environment, service.Authorization);

        // One token comes back each second: the client gets its burst, plus one per second the requests took.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        var clock = Stopwatch.StartNew();
        while (limited is null && statuses.Count < 40)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
            // Each request claims another client; the loopback connection is no trusted proxy.
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{statuses.Count}");
            var response = await api.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        var seconds = (int)Math.Ceiling(clock.Elapsed.TotalSeconds);
        Figures.Report($"{statuses.Count} requests in {clock.ElapsedMilliseconds} ms with a burst of {Burst}: {string.Join(" ", statuses.Select(s => (int)s))}; Retry-After {limited?.Headers.RetryAfter}");
        Assert.NotNull(limited);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), Burst, Burst + seconds);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After should say when to come back");
        limited.Dispose();
        // Probes short-circuit before the limit: an orchestrator never sees a busy replica as dead.
        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/live"));
    }
}
