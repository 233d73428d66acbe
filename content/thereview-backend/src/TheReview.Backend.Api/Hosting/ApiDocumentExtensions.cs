using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// The OpenAPI document as a contract that clients can trust: every operation lists each answer it can give (the
/// success, validation and other ProblemDetails, 429 and 503 with Retry-After, the default 500), its summary and
/// description come from the handlers' XML comments, and <c>info</c>, tags and servers are set, not left to chance.
/// The same code writes it at build time (<c>make openapi</c>, to <c>openapi/v1.json</c>) and serves it at
/// <c>/openapi/v1.json</c>; no API request pays for it.
/// </summary>
internal static class ApiDocumentExtensions
{
    public const string DocumentName = "v1";

    private const string ProblemContentType = "application/problem+json";

    public static WebApplicationBuilder AddApiDocument(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiDocumentOptions>().BindConfiguration(ApiDocumentOptions.Section);
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddOperationTransformer(AddStandardResponsesAsync);
            options.AddDocumentTransformer(DescribeAsync);
            options.AddSchemaTransformer(DescribeProblem);
        });
        return builder;
    }

    /// <summary>A ProblemDetails answer, its schema a component of the document.</summary>
    public static async Task<OpenApiResponse> ProblemAsync<TProblem>(
        OpenApiOperationTransformerContext context, string description, bool retryAfter = false, CancellationToken cancellationToken = default)
        where TProblem : ProblemDetails
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemContentType] = new() { Schema = await SchemaAsync<TProblem>(context, cancellationToken) } },
        };
        if (retryAfter)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before trying again.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            };
        }

        return response;
    }

    // Every problem carries the request's traceId, and RFC 9457 lets a problem carry more members: the schema
    // generated from ProblemDetails forbade both, and a client that validates would reject the service's answers.
    private static Task DescribeProblem(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type.IsAssignableTo(typeof(ProblemDetails)))
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties[ApiDefaultsExtensions.TraceIdMember] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The request's id, also its X-Correlation-ID header: quote it when reporting a problem.",
            };
            schema.AdditionalPropertiesAllowed = true;
        }

        return Task.CompletedTask;
    }

    // The answers every API operation can give besides its own: a client mistake, the rate limit, a datastore
    // outage, a bug. Each is ProblemDetails; 429 and 503 say when to try again.
    private static async Task AddStandardResponsesAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        if (operation.Parameters is { Count: > 0 } || operation.RequestBody is not null)
        {
            operation.Responses.TryAdd("400", await ProblemAsync<HttpValidationProblemDetails>(
                context, "The request is malformed or does not validate: ProblemDetails, with the invalid fields under errors.", cancellationToken: cancellationToken));
        }

        operation.Responses.TryAdd("429", await ProblemAsync<ProblemDetails>(
            context, "Too many requests from this client: wait the seconds that Retry-After gives.", retryAfter: true, cancellationToken));
        operation.Responses.TryAdd("503", await ProblemAsync<ProblemDetails>(
            context, "A datastore the service needs is unavailable: try again after Retry-After seconds.", retryAfter: true, cancellationToken));
        operation.Responses.TryAdd("default", await ProblemAsync<ProblemDetails>(
            context, "An unexpected error: ProblemDetails with the traceId to report.", cancellationToken: cancellationToken));
    }

    private static Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var options = context.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiDocumentOptions>>().Value;
        document.Info.Title = options.Title;
        document.Info.Description = options.Description;
        document.Info.Contact = new OpenApiContact { Name = options.ContactName, Url = options.ContactUrl, Email = options.ContactEmail };
        document.Info.License = new OpenApiLicense { Name = options.LicenseName, Identifier = options.LicenseUrl is null ? options.LicenseIdentifier : null, Url = options.LicenseUrl };
        // One fixed server, relative to where the document is served, so the document is the same wherever it is asked.
        document.Servers = [new OpenApiServer { Url = options.ServerUrl, Description = "This service" }];
        // An operation no security requirement names is open to anyone: said explicitly (an empty list), so that
        // readers and linters see a decision, not an omission (a service generated with --auth none).
        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []).Where(operation => operation.Security is null))
        {
            operation.Security = [];
        }

        document.Tags = new HashSet<OpenApiTag>(
            context.ApplicationServices.GetServices<ApiTag>().Select(tag => new OpenApiTag { Name = tag.Name, Description = tag.Description }));
        return Task.CompletedTask;
    }

    private static async Task<IOpenApiSchema> SchemaAsync<T>(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var name = typeof(T).Name;
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(name) != true)
        {
            document.AddComponent(name, await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken));
        }

        return new OpenApiSchemaReference(name, document);
    }
}

/// <summary>A tag of the document: one per feature, with what its operations are about.</summary>
public sealed record ApiTag(string Name, string Description);

/// <summary>What the document says of the service (under <c>OpenApi</c>): set these to your team's before publishing it.</summary>
public sealed class ApiDocumentOptions
{
    public const string Section = "OpenApi";

    public string Title { get; set; } = "TheReview.Backend API";

    public string Description { get; set; } = "The HTTP API of TheReview.Backend.";

    public string ContactName { get; set; } = "The TheReview.Backend team";

    public Uri? ContactUrl { get; set; }

    public string? ContactEmail { get; set; }

    public string LicenseName { get; set; } = "Proprietary";

    /// <summary>The license's SPDX identifier, such as MIT; used when no <see cref="LicenseUrl"/> is given.</summary>
    public string LicenseIdentifier { get; set; } = "LicenseRef-Proprietary";

    public Uri? LicenseUrl { get; set; }

    /// <summary>The server clients call, as the document names it; relative by default (where the document was read).</summary>
    public string ServerUrl { get; set; } = "/";
}
