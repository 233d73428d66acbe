using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Features;

/// <summary>A record that belongs to the caller who made it.</summary>
public interface IOwned
{
    /// <summary>Who made it, as <see cref="Ownership.OwnerOf"/> names callers.</summary>
    string Owner { get; }
}

/// <summary>
/// Resource-based authorization of changes: an endpoint loads the record, then asks
/// <see cref="IAuthorizationService"/> whether this caller may change it. Its owner may, and so may a caller with
/// the admin scope (<c>Auth:AdminScope</c>); anyone else gets 403. Who made a record comes from the token, never
/// from the request body.
/// </summary>
internal static class Ownership
{
    /// <summary>The one caller of a service without authentication (<c>--auth none</c>): it owns everything.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>OpenID Connect allows subjects of up to 255 characters.</summary>
    public const int MaxOwnerLength = 255;

    public static readonly OperationAuthorizationRequirement Change = new() { Name = nameof(Change) };

    // The claim names identity providers use for scopes: "scope" (OAuth 2.0, user-jwts) and "scp" (Entra ID).
    private static readonly string[] ScopeClaims = ["scope", "scp"];

    /// <summary>The caller as an owner: the token's subject (a token without one is refused at authentication).</summary>
    public static string OwnerOf(ClaimsPrincipal caller) => caller.FindFirstValue("sub") ?? Anonymous;

    public static bool HasScope(this ClaimsPrincipal caller, string scope) =>
        caller.Claims
            .Where(claim => ScopeClaims.Contains(claim.Type, StringComparer.Ordinal))
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);

    public static async Task<bool> MayChangeAsync(this IAuthorizationService authorization, ClaimsPrincipal caller, IOwned record) =>
        (await authorization.AuthorizeAsync(caller, record, Change)).Succeeded;

    public static ProblemHttpResult Forbidden(string record) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Not yours to change",
            detail: $"Only the caller who made this {record}, or an administrator, may change or delete it.");

    public static IServiceCollection AddOwnership(this IServiceCollection services)
    {
        services.AddAuthorization();
        services.AddOptions<OwnershipOptions>().BindConfiguration(OwnershipOptions.Section)
            .Validate(options => !string.IsNullOrWhiteSpace(options.AdminScope) && !options.AdminScope.Contains(' ', StringComparison.Ordinal),
                "Invalid setting Auth:AdminScope: give one scope name, such as api:admin.")
            .ValidateOnStart();
        services.AddSingleton<IAuthorizationHandler, OwnerOrAdminHandler>();
        return services;
    }
}

/// <summary>Who may change what others made (under <c>Auth</c>).</summary>
public sealed class OwnershipOptions
{
    public const string Section = "Auth";

    /// <summary>The scope of administrators, who may change and delete every caller's records.</summary>
    public string AdminScope { get; set; } = "api:admin";
}

/// <summary>Grants <see cref="Ownership.Change"/> to a record's owner and to administrators.</summary>
internal sealed class OwnerOrAdminHandler(IOptions<OwnershipOptions> options) : AuthorizationHandler<OperationAuthorizationRequirement, IOwned>
{
    protected override Task HandleRequirementAsync(
        AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement, IOwned resource)
    {
        if (requirement.Name == Ownership.Change.Name
            && (string.Equals(Ownership.OwnerOf(context.User), resource.Owner, StringComparison.Ordinal)
                || context.User.HasScope(options.Value.AdminScope)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
