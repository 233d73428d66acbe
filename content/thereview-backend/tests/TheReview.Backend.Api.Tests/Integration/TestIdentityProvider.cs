using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// An identity provider on loopback for the tests: OpenID Connect discovery and a key set, the way the API's
/// Auth:Authority finds a real one, and tokens signed with its key (or with another, for the failure cases).
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string Audience = "thereview-backend";
    public const string WriteScope = "api:write";
    public const string AdminScope = "api:admin";
    public const string Subject = "test-user";

    private readonly WebApplication server;
    private readonly RsaSecurityKey key = NewKey("provider-key");

    private TestIdentityProvider(WebApplication server) => this.server = server;

    /// <summary>The issuer URL: what Auth:Authority names.</summary>
    public string Authority { get; private set; } = string.Empty;

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var provider = new TestIdentityProvider(builder.Build());
        provider.server.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.Authority,
            ["jwks_uri"] = $"{provider.Authority}/keys",
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
        }));
        provider.server.MapGet("/keys", () => Results.Json(new Dictionary<string, object>
        {
            ["keys"] = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(provider.key.Rsa.ExportParameters(false)) { KeyId = provider.key.KeyId }) },
        }));
        await provider.server.StartAsync();
        provider.Authority = provider.server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return provider;
    }

    /// <summary>A token as the provider issues it; each argument changes one thing for the failure cases.</summary>
    public string Token(
        string? scope = WriteScope,
        string audience = Audience,
        string? issuer = null,
        DateTime? expires = null,
        SecurityKey? signedWith = null,
        string algorithm = SecurityAlgorithms.RsaSha256,
        string? type = null,
        string? subject = Subject)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>();
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority,
            Audience = audience,
            Claims = claims,
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(signedWith ?? key, algorithm),
            TokenType = type,
        });
    }

    /// <summary>A key the provider never published.</summary>
    public static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = id };

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        key.Rsa.Dispose();
    }
}
