using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// The real server with Auth:Authority naming an identity provider that it reaches over HTTP: the sample's writes
/// need the write scope, its reads a valid token, and whatever a client puts in Authorization never gets a 5xx.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class AuthenticationTests(RunningServiceFixture service)
{
    private static readonly object Review = new { subject = "Kettle", rating = 4 };

    [Fact]
    public async Task Writes_need_the_write_scope_and_reads_a_valid_token()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);
        var reader = service.Identity.Authorization(service.WithoutMongo.Scenario.Name, scope: "api:read");

        var anonymous = await SendAsync(api, HttpMethod.Post, "/api/reviews", authorization: null);
        var withoutScope = await SendAsync(api, HttpMethod.Post, "/api/reviews", reader);
        using var created = await api.Client.PostAsJsonAsync("/api/reviews", Review);
        var location = created.Headers.Location!.ToString();
        var anonymousRead = await SendAsync(api, HttpMethod.Get, location, authorization: null);
        var read = await SendAsync(api, HttpMethod.Get, location, reader);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.Forbidden, withoutScope);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousRead);
        Assert.Equal(HttpStatusCode.OK, read);
        Figures.Report($"auth on the real server: write anonymous {(int)anonymous}, write without scope {(int)withoutScope}, write with scope {(int)created.StatusCode}, read anonymous {(int)anonymousRead}, read with a token {(int)read}");
    }

    [Fact]
    public async Task A_malformed_authorization_header_gets_a_4xx_and_never_a_5xx()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);
        var headers = new Dictionary<string, string>
        {
            ["empty"] = "",
            ["Bearer alone"] = "Bearer",
            ["not a JWT"] = "Bearer not-a-jwt",
            ["three dots"] = "Bearer a.b.c",
            ["Basic"] = "Basic dXNlcjpwYXNz",
            ["100 kB"] = "Bearer " + new string('a', 100 * 1024),
        };

        var statuses = new Dictionary<string, HttpStatusCode>();
        foreach (var (name, header) in headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reviews");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using var client = new HttpClient { BaseAddress = api.BaseAddress };
            using var response = await client.SendAsync(request);
            statuses[name] = response.StatusCode;
        }

        // Kestrel refuses a request whose headers pass its 32 kB limit before the API sees it.
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, statuses["100 kB"]);
        Assert.All(statuses.Where(s => s.Key != "100 kB"), s => Assert.Equal(HttpStatusCode.Unauthorized, s.Value));
        Figures.Report("malformed Authorization headers: " + string.Join(", ", statuses.Select(s => $"{s.Key} {(int)s.Value}")));
    }

    private static async Task<HttpStatusCode> SendAsync(ApiProcess api, HttpMethod method, string path, AuthenticationHeaderValue? authorization)
    {
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = authorization;
        if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(Review);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
