using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TheReview.Backend.Api.Auth;

/// <summary>
/// Declares the bearer scheme in the OpenAPI document and, on every operation, what it needs: a token, and for
/// writes the write scope; with the 401 and 403 that answer a missing token or scope.
/// </summary>
internal sealed class BearerSecuritySchemeTransformer(IConfiguration configuration) : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeName = "Bearer";

    // Bound without the start-up checks: the document is also written at build time, where no identity provider is set.
    private readonly AuthOptions auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = $"A token from the identity provider named by Auth:Authority; writes need the scope {auth.WriteScope}.",
        };
        // Every endpoint needs a token unless it says otherwise (the fallback policy), those added later too.
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
        return Task.CompletedTask;
    }

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var write = !HttpMethods.IsGet(context.Description.HttpMethod ?? "GET");
        var document = context.Document!;
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = write ? [auth.WriteScope] : [] }];
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", await ApiDocumentExtensions.ProblemAsync<ProblemDetails>(
            context, "No valid bearer token.", cancellationToken: cancellationToken));
        if (write)
        {
            operation.Responses.TryAdd("403", await ApiDocumentExtensions.ProblemAsync<ProblemDetails>(
                context, $"The token lacks the scope {auth.WriteScope}, or the record is another caller's.", cancellationToken: cancellationToken));
        }
    }
}
