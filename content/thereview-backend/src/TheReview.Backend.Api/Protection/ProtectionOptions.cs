using System.Net;

namespace TheReview.Backend.Api.Protection;

/// <summary>Settings under <c>Proxy</c>: whose forwarded headers count.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>
    /// Comma-separated networks (CIDR) of the proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>
    /// are believed. Empty (the default): none, the connection's own address is the client.
    /// </summary>
    public string TrustedNetworks { get; set; } = string.Empty;

    public IEnumerable<string> TrustedNetworkList => SettingList.Split(TrustedNetworks);

    public static bool IsNetwork(string value) => IPNetwork.TryParse(value, out _);
}

/// <summary>Settings under <c>RateLimit</c>: a token bucket per client address.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Requests a client may make per second, on average.</summary>
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Requests a client may make at once after being quiet.</summary>
    public int Burst { get; set; } = 200;
}

/// <summary>Settings under <c>Cors</c>: the browser origins that may call the API.</summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>Comma-separated origins such as <c>https://app.example.com</c>. Empty (the default): none.</summary>
    public string AllowedOrigins { get; set; } = string.Empty;

    public IEnumerable<string> AllowedOriginList => SettingList.Split(AllowedOrigins);

    /// <summary>An origin is a scheme, a host and maybe a port: no path, no wildcard.</summary>
    public static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.GetLeftPart(UriPartial.Authority).Equals(value.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
        && !value.Contains('*', StringComparison.Ordinal);
}

/// <summary>Lists in one setting, so a single environment variable can hold them.</summary>
internal static class SettingList
{
    public static IEnumerable<string> Split(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
