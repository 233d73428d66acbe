using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The team's identity provider, as the generated API finds one through Auth:Authority: OpenID Connect discovery
/// and a key set over HTTP. One per test run, on the host's own address so that containers reach it too.
/// </summary>
public sealed partial class IdentityProvider
{
    public const string WriteScope = "api:write";

    private static readonly Lazy<Task<IdentityProvider>> SharedProvider = new(StartAsync);
    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "thereview-tests" };

    private IdentityProvider(string authority) => Authority = authority;

    /// <summary>The issuer URL: what Auth:Authority (AUTH_AUTHORITY in a stack's .env) names.</summary>
    public string Authority { get; }

    public static Task<IdentityProvider> Shared => SharedProvider.Value;

    /// <summary>The API's settings for this provider; plain HTTP is allowed because the provider is a test's.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Auth__Authority"] = Authority,
        ["Auth__RequireHttpsMetadata"] = "false",
    };

    /// <summary>The .env entries of a stack for this provider.</summary>
    public Dictionary<string, string> StackSettings => new()
    {
        ["AUTH_AUTHORITY"] = Authority,
        ["AUTH_REQUIRE_HTTPS_METADATA"] = "false",
    };

    /// <summary>A token for the API of a repository generated with this project name (its default Auth:Audience).</summary>
    public string Token(string projectName, string? scope = WriteScope)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "thereview-tests" };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = AudienceOf(projectName),
            Claims = claims,
            Expires = DateTime.UtcNow.AddHours(3),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public AuthenticationHeaderValue Authorization(string projectName, string? scope = WriteScope) => new("Bearer", Token(projectName, scope));

    /// <summary>The template's default audience: the project name in kebab case (Contoso.Orders: contoso-orders).</summary>
    public static string AudienceOf(string projectName) =>
        NonAlphanumeric().Replace(projectName, "-").Trim('-').ToLowerInvariant();

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonAlphanumeric();

    private static async Task<IdentityProvider> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        var server = builder.Build();
        var provider = new IdentityProvider($"http://{DockerHost.HostAddress()}:{port}");
        server.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.Authority,
            ["jwks_uri"] = $"{provider.Authority}/keys",
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
        }));
        var publicKey = JsonWebKeyConverter.ConvertFromRSASecurityKey(
            new RsaSecurityKey(provider.key.Rsa.ExportParameters(false)) { KeyId = provider.key.KeyId });
        server.MapGet("/keys", () => Results.Json(new Dictionary<string, object> { ["keys"] = new[] { publicKey } }));
        // Runs until the test process ends, like the PostgreSQL and Redis servers the tests use.
        await server.StartAsync();
        return provider;
    }
}
