using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// The protections that hold without a proxy: a rate limit per client address, forwarded headers believed only
/// from the trusted proxy's network, CORS from configuration, and the security headers.
/// </summary>
public sealed class ProtectionTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    // Every variant serves the OpenAPI document, and it needs no datastore.
    private const string Path = "/openapi/v1.json";
    private const string TrustedNetwork = "10.0.0.0/8";
    private const string Proxy = "10.1.2.3";
    private const string Stranger = "203.0.113.7";
    private const int Burst = 3;

    // One token comes back each second: within the test's fraction of a second at most one more request passes,
    // so two beyond the burst always meet the limit.
    private const int OverBurst = Burst + 2;

    private WebApplicationFactory<Program> Configured(params (string Setting, string Value)[] settings) =>
        service.WithWebHostBuilder(web =>
        {
            web.UseSetting("Proxy:TrustedNetworks", TrustedNetwork);
            foreach (var (setting, value) in settings)
            {
                web.UseSetting(setting, value);
            }
        });

    /// <summary>A low limit, warmed up by a client of its own, so the bursts take milliseconds and not a first request's start.</summary>
    private async Task<WebApplicationFactory<Program>> LimitedAsync(string trustedNetworks = TrustedNetwork)
    {
        var api = Configured(
            ("RateLimit:PermitsPerSecond", "1"), ("RateLimit:Burst", Burst.ToString(CultureInfo.InvariantCulture)), ("Proxy:TrustedNetworks", trustedNetworks));
        await SendAsync(api, new Request("192.0.2.1"));
        return api;
    }

    [Fact]
    public async Task A_client_over_its_burst_gets_429_problem_details_with_retry_after()
    {
        await using var api = await LimitedAsync();

        var answers = await RepeatAsync(api, OverBurst, _ => new Request(Stranger));

        Assert.All(answers[..Burst], answer => Assert.Equal(StatusCodes.Status200OK, answer.Response.StatusCode));
        var limited = answers[^1].Response;
        Assert.Equal(StatusCodes.Status429TooManyRequests, limited.StatusCode);
        Assert.StartsWith("application/problem+json", limited.ContentType, StringComparison.Ordinal);
        Assert.True(int.Parse(limited.Headers.RetryAfter.ToString(), CultureInfo.InvariantCulture) >= 1, "Retry-After should say when to come back");
    }

    [Fact]
    public async Task Another_client_keeps_its_own_allowance()
    {
        await using var api = await LimitedAsync();
        var limited = await RepeatAsync(api, OverBurst, _ => new Request(Stranger));

        Assert.Equal(StatusCodes.Status429TooManyRequests, limited[^1].Response.StatusCode);
        var other = await SendAsync(api, new Request("203.0.113.8"));

        Assert.Equal(StatusCodes.Status200OK, other.Response.StatusCode);
    }

    [Theory]
    [InlineData(TrustedNetwork)]
    [InlineData("")]
    public async Task Forwarded_for_from_an_untrusted_address_does_not_change_the_client(string trustedNetworks)
    {
        await using var api = await LimitedAsync(trustedNetworks);

        var answers = await RepeatAsync(api, OverBurst, i => new Request(Stranger, ForwardedFor: $"198.51.100.{i}"));

        Assert.Equal(StatusCodes.Status429TooManyRequests, answers[^1].Response.StatusCode);
    }

    [Fact]
    public async Task Forwarded_for_from_the_trusted_proxy_names_the_client()
    {
        await using var api = await LimitedAsync();

        var manyClients = await RepeatAsync(api, OverBurst, i => new Request(Proxy, ForwardedFor: $"198.51.100.{i}"));
        var oneClient = await RepeatAsync(api, OverBurst, _ => new Request(Proxy, ForwardedFor: "198.51.100.200"));

        Assert.All(manyClients, answer => Assert.Equal(StatusCodes.Status200OK, answer.Response.StatusCode));
        Assert.Equal(StatusCodes.Status429TooManyRequests, oneClient[^1].Response.StatusCode);
    }

    [Fact]
    public async Task No_origin_is_allowed_by_default()
    {
        var answer = await SendAsync(service, new Request(Stranger, Origin: "https://app.example.com"));

        Assert.Equal(StatusCodes.Status200OK, answer.Response.StatusCode);
        Assert.False(answer.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Configured_origins_pass_the_preflight_and_others_do_not()
    {
        await using var api = Configured(("Cors:AllowedOrigins", "https://app.example.com, https://admin.example.com"));

        var allowed = await SendAsync(api, new Request(Stranger, Origin: "https://admin.example.com", Preflight: true));
        var refused = await SendAsync(api, new Request(Stranger, Origin: "https://evil.example.com", Preflight: true));

        Assert.Equal(StatusCodes.Status204NoContent, allowed.Response.StatusCode);
        Assert.Equal("https://admin.example.com", allowed.Response.Headers.AccessControlAllowOrigin.ToString());
        Assert.False(refused.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Every_answer_says_nosniff_and_https_through_the_trusted_proxy_gets_hsts()
    {
        await using var api = Configured();

        var throughProxy = await SendAsync(api, new Request(Proxy, ForwardedFor: "198.51.100.1", ForwardedProto: "https"));
        var spoofed = await SendAsync(api, new Request(Stranger, ForwardedProto: "https"));

        Assert.Equal("nosniff", throughProxy.Response.Headers.XContentTypeOptions.ToString());
        Assert.Equal("nosniff", spoofed.Response.Headers.XContentTypeOptions.ToString());
        Assert.Contains("max-age=", throughProxy.Response.Headers.StrictTransportSecurity.ToString(), StringComparison.Ordinal);
        Assert.False(spoofed.Response.Headers.ContainsKey("Strict-Transport-Security"), "HSTS only for HTTPS the trusted proxy vouches for");
    }

    /// <summary>The settings' validation; the real start-up stopping on it with one line is the API process's to show.</summary>
    [Theory]
    [InlineData("RateLimit:PermitsPerSecond", "0")]
    [InlineData("RateLimit:Burst", "-5")]
    [InlineData("Cors:AllowedOrigins", "*")]
    [InlineData("Cors:AllowedOrigins", "https://app.example.com/path")]
    [InlineData("Proxy:TrustedNetworks", "everyone")]
    public async Task A_bad_setting_is_refused_naming_it(string setting, string value)
    {
        await using var api = Configured((setting, value));

        var error = Assert.Throws<OptionsValidationException>(() => SettingsOf(api.Services, setting.Split(':')[0]));

        Assert.Contains($"Invalid setting {setting}", error.Message, StringComparison.Ordinal);
    }

    private static object SettingsOf(IServiceProvider services, string section) => section switch
    {
        RateLimitOptions.Section => services.GetRequiredService<IOptions<RateLimitOptions>>().Value,
        CorsSettings.Section => services.GetRequiredService<IOptions<CorsSettings>>().Value,
        ProxyOptions.Section => services.GetRequiredService<IOptions<ProxyOptions>>().Value,
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, "not a protection setting"),
    };

    private sealed record Request(string From, string? ForwardedFor = null, string? ForwardedProto = null, string? Origin = null, bool Preflight = false);

    private static Task<HttpContext> SendAsync(WebApplicationFactory<Program> api, Request request) =>
        api.Server.SendAsync(context =>
        {
            context.Request.Method = request.Preflight ? HttpMethods.Options : HttpMethods.Get;
            context.Request.Path = Path;
            context.Connection.RemoteIpAddress = IPAddress.Parse(request.From);
            if (request.ForwardedFor is not null)
            {
                context.Request.Headers["X-Forwarded-For"] = request.ForwardedFor;
            }

            if (request.ForwardedProto is not null)
            {
                context.Request.Headers["X-Forwarded-Proto"] = request.ForwardedProto;
            }

            if (request.Origin is not null)
            {
                context.Request.Headers.Origin = request.Origin;
            }

            if (request.Preflight)
            {
                context.Request.Headers.AccessControlRequestMethod = HttpMethods.Post;
            }
        }, TestContext.Current.CancellationToken);

    private static async Task<HttpContext[]> RepeatAsync(WebApplicationFactory<Program> api, int count, Func<int, Request> request)
    {
        var answers = new HttpContext[count];
        for (var i = 0; i < count; i++)
        {
            answers[i] = await SendAsync(api, request(i));
        }

        return answers;
    }
}
