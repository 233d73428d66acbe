using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Prometheus;

namespace TheReview.Backend.Api.Auth;

/// <summary>
/// Checking a token (parsing, RS256 signature, claims) costs about a third of a cached read. A token that passed
/// every check is accepted again without repeating them for at most <see cref="MaxAge"/>, never past its expiry;
/// a refused token is checked every time. Signing keys are refreshed hours apart, so the cache adds no material
/// delay to a key's withdrawal. Each request gets its own copy of the claims.
/// </summary>
internal sealed class ValidatedTokenCache(TimeProvider clock) : JsonWebTokenHandler, IDisposable
{
    public const string MetricName = "auth_token_checks_total";

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    // Each entry is one token's claims; valid tokens come only from the identity provider.
    private const int Capacity = 10_000;

    private static readonly Counter Checks = Metrics.CreateCounter(
        MetricName, "Bearer tokens checked: validated (every check ran), cached (passed within the last 30 s), refused.", "outcome");

    private readonly MemoryCache passed = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (passed.TryGetValue(token, out TokenValidationResult? cached) && cached is not null)
        {
            Checks.WithLabels("cached").Inc();
            return Copy(cached);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid)
        {
            Checks.WithLabels("refused").Inc();
            return result;
        }

        Checks.WithLabels("validated").Inc();
        var expires = new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero);
        var until = clock.GetUtcNow() + MaxAge;
        passed.Set(token, Copy(result), new MemoryCacheEntryOptions { AbsoluteExpiration = expires < until ? expires : until, Size = 1 });
        return result;
    }

    public void Dispose() => passed.Dispose();

    /// <summary>Whether the token would be accepted from the cache now; for the tests.</summary>
    internal bool Holds(string token) => passed.TryGetValue(token, out _);

    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        SecurityToken = result.SecurityToken,
        Issuer = result.Issuer,
        TokenType = result.TokenType,
    };
}
