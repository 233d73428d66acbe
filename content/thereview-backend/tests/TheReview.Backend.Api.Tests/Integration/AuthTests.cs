using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// JWT bearer tokens from the identity provider named by Auth:Authority (here one on loopback). Every endpoint needs
/// a valid token, writes need the write scope, and probes, scrapes and the OpenAPI document stay anonymous.
/// </summary>
public sealed class AuthTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    // No endpoint has this path: authorization runs before routing answers 404, so no datastore is involved.
    private const string Path = "/api/auth-probe";

    public static TheoryData<string, string, HttpStatusCode> Tokens => new()
    {
        { "none", "GET", HttpStatusCode.Unauthorized },
        { "valid", "GET", HttpStatusCode.NotFound },
        { "valid", "POST", HttpStatusCode.NotFound },
        { "valid", "DELETE", HttpStatusCode.NotFound },
        { "without scope", "GET", HttpStatusCode.NotFound },
        { "without scope", "POST", HttpStatusCode.Forbidden },
        { "without scope", "PUT", HttpStatusCode.Forbidden },
        { "without scope", "DELETE", HttpStatusCode.Forbidden },
        { "other scope", "POST", HttpStatusCode.Forbidden },
        { "bad signature", "GET", HttpStatusCode.Unauthorized },
        { "expired", "GET", HttpStatusCode.Unauthorized },
        { "wrong issuer", "GET", HttpStatusCode.Unauthorized },
        { "wrong audience", "GET", HttpStatusCode.Unauthorized },
        { "alg none", "GET", HttpStatusCode.Unauthorized },
        { "access token type", "GET", HttpStatusCode.NotFound },
        { "id token type", "GET", HttpStatusCode.Unauthorized },
        { "algorithm not pinned", "GET", HttpStatusCode.Unauthorized },
        { "expired a minute ago", "GET", HttpStatusCode.Unauthorized },
        { "without subject", "GET", HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task Each_token_gets_its_exact_status(string token, string method, HttpStatusCode expected)
    {
        using var client = ClientWith(TokenOf(token));

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), Path), TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            await AssertProblemWithoutDetailAsync(response);
        }
    }

    [Fact]
    public async Task A_token_that_passed_is_remembered_until_it_expires_and_a_refused_one_never_is()
    {
        var cache = service.Services.GetRequiredService<ValidatedTokenCache>();
        // A first request of a cold host can take seconds, which the short-lived token must outlive.
        using (var warm = ClientWith(TokenOf("valid")))
        {
            (await warm.GetAsync(Path, TestContext.Current.CancellationToken)).Dispose();
        }

        // A token's expiry is in whole seconds.
        var expires = DateTime.UtcNow.AddSeconds(5);
        var shortLived = service.Identity.Token(expires: expires);
        var refused = TokenOf("bad signature")!;
        foreach (var token in new[] { shortLived, refused })
        {
            using var client = ClientWith(token);
            (await client.GetAsync(Path, TestContext.Current.CancellationToken)).Dispose();
        }

        Assert.True(cache.Holds(shortLived));
        Assert.False(cache.Holds(refused));
        await Task.Delay(expires - DateTime.UtcNow + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(cache.Holds(shortLived));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_malformed_authorization_header_gets_401(string header)
    {
        using var client = ClientWith(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertProblemWithoutDetailAsync(response);
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_not_read()
    {
        using var client = ClientWith(null);

        using var response = await client.GetAsync($"{Path}?access_token={service.Identity.Token()}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/openapi/v1.json")]
    public async Task Probes_and_the_openapi_document_need_no_token(string path)
    {
        using var client = ClientWith(null);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_declares_the_bearer_scheme_and_what_each_operation_needs()
    {
        using var client = ClientWith(null);

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken));

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var operations = document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()).ToList();
        Assert.All(operations, operation =>
        {
            var bearer = Assert.Single(operation.Value.GetProperty("security").EnumerateArray()).GetProperty("Bearer");
            Assert.Equal(operation.Name == "get" ? [] : ["api:write"], bearer.EnumerateArray().Select(scope => scope.GetString()));
            Assert.True(operation.Value.GetProperty("responses").TryGetProperty("401", out _), $"{operation.Name}: no 401 answer");
        });
    }

    [Theory]
    [InlineData("Auth:Authority", "", "Missing setting Auth:Authority")]
    [InlineData("Auth:Authority", "login.example.com", "Invalid setting Auth:Authority")]
    [InlineData("Auth:Audience", "", "Missing setting Auth:Audience")]
    [InlineData("Auth:WriteScope", "api:write api:admin", "Invalid setting Auth:WriteScope")]
    public void A_wrong_setting_stops_start_up_naming_it(string setting, string value, string message)
    {
        using var api = service.WithWebHostBuilder(web => web.UseSetting(setting, value));

        var error = Assert.Throws<OptionsValidationException>(() => api.Services.GetRequiredService<IOptions<AuthOptions>>().Value);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private HttpClient ClientWith(string? token)
    {
        var client = service.CreateClient();
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private string? TokenOf(string kind) => kind switch
    {
        "none" => null,
        "valid" => service.Identity.Token(),
        "without scope" => service.Identity.Token(scope: null),
        "other scope" => service.Identity.Token(scope: "api:read"),
        "bad signature" => service.Identity.Token(signedWith: TestIdentityProvider.NewKey("provider-key")),
        "expired" => service.Identity.Token(expires: DateTime.UtcNow.AddHours(-1)),
        // Inside the library's default clock skew (five minutes), outside the service's half minute.
        "expired a minute ago" => service.Identity.Token(expires: DateTime.UtcNow.AddMinutes(-1)),
        "without subject" => service.Identity.Token(subject: null),
        "access token type" => service.Identity.Token(type: "at+jwt"),
        "id token type" => service.Identity.Token(type: "id_token+jwt"),
        // The provider's own key, but an algorithm it does not sign with (Auth:Algorithms is RS256).
        "algorithm not pinned" => service.Identity.Token(algorithm: SecurityAlgorithms.RsaSha512),
        "wrong issuer" => service.Identity.Token(issuer: "https://someone-else.example.com"),
        "wrong audience" => service.Identity.Token(audience: "another-api"),
        "alg none" => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = service.Identity.Authority,
            Audience = TestIdentityProvider.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "test-user", ["scope"] = TestIdentityProvider.WriteScope },
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such token kind"),
    };

    private static async Task AssertProblemWithoutDetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal((int)response.StatusCode, problem.RootElement.GetProperty("status").GetInt32());
        // Nothing about why the token failed: no library error codes, no key ids, no error_description.
        Assert.DoesNotContain("IDX", body, StringComparison.Ordinal);
        Assert.DoesNotContain("provider-key", body, StringComparison.Ordinal);
        Assert.All(response.Headers.WwwAuthenticate, challenge => Assert.Null(challenge.Parameter));
    }
}
