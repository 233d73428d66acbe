namespace TheReview.Backend.Api.Auth;

/// <summary>Settings under <c>Auth</c>: which identity provider's tokens the API accepts, and for what.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// The identity provider's issuer URL; its OpenID Connect discovery document gives the signing keys, which are
    /// refreshed when they rotate. Required outside Development, where <c>dotnet user-jwts</c> issues the tokens.
    /// </summary>
    public string Authority { get; set; } = string.Empty;

    /// <summary>The audience a token must be issued for: this API's name at the identity provider.</summary>
    public string Audience { get; set; } = "thereview-backend";

    /// <summary>The scope a caller needs for writes (POST, PUT, PATCH, DELETE); reads need any valid token.</summary>
    public string WriteScope { get; set; } = "api:write";

    /// <summary>
    /// The signing algorithms accepted from the identity provider (what it signs with; RS256 by default). No
    /// other is: not "none", not HMAC (whose key would be public), not one the provider never uses.
    /// </summary>
    public string[] Algorithms { get; set; } = ["RS256"];

    /// <summary>Refuses an authority reached over plain HTTP. Only a test or a private network turns it off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public static bool IsAuthority(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
