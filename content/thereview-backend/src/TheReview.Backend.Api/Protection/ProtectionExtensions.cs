using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Protection;

/// <summary>
/// Protections that hold without a proxy in front: the client's address from trusted proxies only, a rate limit
/// per client address, CORS from configuration, and the security headers that do not depend on a proxy.
/// Nginx keeps its own limits and headers in front of these (docs/architecture.md, "Which layer does what").
/// </summary>
internal static partial class ProtectionExtensions
{
    // With Redis, ProtectionExtensions.Redis.cs shares the data protection key ring between replicas; without it,
    // each process keeps ASP.NET Core's default ring (docs/architecture.md, "Data protection keys").
    static partial void AddSharedKeyRing(WebApplicationBuilder builder);

    public static WebApplicationBuilder AddProtections(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section)
            .Validate(proxy => proxy.TrustedNetworkList.All(ProxyOptions.IsNetwork),
                "Invalid setting Proxy:TrustedNetworks: give comma-separated networks such as 10.0.0.0/8.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            // Only the configured networks, not even loopback: whoever else sends these headers is the client.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in proxy.Value.TrustedNetworkList.Where(ProxyOptions.IsNetwork))
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }

            // With both lists empty ASP.NET Core would believe every sender, so no network means no header is read.
            forwarded.ForwardedHeaders = forwarded.KnownIPNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });

        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(limit => limit.PermitsPerSecond > 0, "Invalid setting RateLimit:PermitsPerSecond: it must be a whole number above 0.")
            .Validate(limit => limit.Burst > 0, "Invalid setting RateLimit:Burst: it must be a whole number above 0.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ClientRateLimit>();

        builder.Services.AddOptions<CorsSettings>().BindConfiguration(CorsSettings.Section)
            .Validate(cors => cors.AllowedOriginList.All(CorsSettings.IsOrigin),
                "Invalid setting Cors:AllowedOrigins: give comma-separated origins such as https://app.example.com, without paths or wildcards.")
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<CorsSettings>>((cors, settings) =>
            cors.AddDefaultPolicy(policy => policy
                .WithOrigins([.. settings.Value.AllowedOriginList.Where(CorsSettings.IsOrigin)])
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
                .AllowAnyHeader()
                .WithExposedHeaders(CorrelationIdMiddleware.HeaderName)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(730);
            hsts.IncludeSubDomains = true;
            // Sent for every HTTPS request; "localhost" behind a proxy is still a browser's real host.
            hsts.ExcludedHosts.Clear();
        });

        AddSharedKeyRing(builder);
        return builder;
    }

    public static WebApplication UseProtections(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        if (!app.Environment.IsDevelopment())
        {
            // Only for requests that came over HTTPS: directly, or through a trusted proxy's X-Forwarded-Proto.
            app.UseHsts();
        }

        app.UseCors();
        app.UseMiddleware<ClientRateLimitMiddleware>();
        return app;
    }
}
