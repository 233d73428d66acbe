using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace TheReview.Backend.Api.Auth;

/// <summary>
/// JWT bearer tokens from the team's identity provider. Every endpoint needs a valid token unless it says otherwise
/// (the fallback policy), and writes need the write scope too, so a feature added later is protected by default.
/// Probes, scrapes and the OpenAPI document stay anonymous.
/// </summary>
internal static class AuthExtensions
{
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(auth => development || !string.IsNullOrWhiteSpace(auth.Authority),
                "Missing setting Auth:Authority. Set the environment variable Auth__Authority (or Auth__Authority_FILE) to the identity provider's issuer URL.")
            .Validate(auth => string.IsNullOrWhiteSpace(auth.Authority) || AuthOptions.IsAuthority(auth.Authority),
                "Invalid setting Auth:Authority: give the identity provider's issuer URL, such as https://login.example.com/realms/main.")
            .Validate(auth => !string.IsNullOrWhiteSpace(auth.Audience),
                "Missing setting Auth:Audience. Set the environment variable Auth__Audience (or Auth__Audience_FILE).")
            .Validate(auth => !string.IsNullOrWhiteSpace(auth.WriteScope) && !auth.WriteScope.Contains(' ', StringComparison.Ordinal),
                "Invalid setting Auth:WriteScope: give one scope name, such as api:write.")
            .ValidateOnStart();

        // Without an authority (Development only) the signing keys and issuer of `dotnet user-jwts` apply: they are
        // bound from Authentication:Schemes:Bearer (appsettings.Development.json and the user secrets).
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, ValidatedTokenCache>((bearer, auth, cache) =>
            {
                if (AuthOptions.IsAuthority(auth.Value.Authority))
                {
                    bearer.Authority = auth.Value.Authority;
                    bearer.RequireHttpsMetadata = auth.Value.RequireHttpsMetadata;
                    bearer.TokenValidationParameters.ValidAlgorithms = auth.Value.Algorithms;
                }
                else
                {
                    // dotnet user-jwts (Development) signs with a key of the user secrets.
                    bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }

                // Access tokens only (RFC 9068's at+jwt, or the plain JWT most providers write), not ID or logout
                // tokens of the same issuer; and half a minute of clock difference rather than five.
                bearer.TokenValidationParameters.ValidTypes = ["at+jwt", "JWT"];
                bearer.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);

                bearer.Audience = auth.Value.Audience;
                bearer.TokenValidationParameters.ValidAudience = auth.Value.Audience;
                // Claim names as the token has them, and no reason for a rejection in the answer.
                bearer.MapInboundClaims = false;
                bearer.IncludeErrorDetails = false;
                cache.MapInboundClaims = false;
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(cache);
                // What a caller makes is theirs (Features/Ownership): an access token must name its subject (RFC 9068).
                bearer.Events ??= new JwtBearerEvents();
                bearer.Events.OnTokenValidated = context =>
                {
                    if (string.IsNullOrEmpty(context.Principal?.FindFirstValue("sub")))
                    {
                        context.Fail("The token has no subject.");
                    }

                    return Task.CompletedTask;
                };
            });

        builder.Services.Configure<OpenApiOptions>("v1", openApi => openApi.AddDocumentTransformer<BearerSecuritySchemeTransformer>().AddOperationTransformer<BearerSecuritySchemeTransformer>());

        builder.Services.AddAuthorization();
        builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthOptions>>((authorization, auth) =>
            authorization.FallbackPolicy = new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .RequireAssertion(context => IsRead(context.Resource) || context.User.HasScope(auth.Value.WriteScope))
                .Build());
        return builder;
    }

    public static WebApplication UseAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static bool IsRead(object? resource) =>
        resource is HttpContext context
        && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method));
}
