using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;

namespace TheReview.Backend.Api.Tests.Contract;

/// <summary>
/// The checked-in OpenAPI document (<c>openapi/v1.json</c>, what clients are generated from) as a check of real
/// answers: for a request to one of its operations, the status must be one it lists (a 5xx may fall to
/// <c>default</c>), the body must match the schema of its media type, and the headers it names must be there.
/// Requests outside the document (probes, metrics, the document itself) are not its business.
/// </summary>
public sealed class ApiContract
{
    private static readonly Uri DocumentUri = new("https://contract.test/openapi/v1.json");
    private readonly OpenApiDocument document;
    private readonly EvaluationOptions evaluation = new() { OutputFormat = OutputFormat.List };

    public ApiContract(string json)
    {
        var read = OpenApiDocument.Parse(json, "json");
        document = read.Document ?? throw new InvalidOperationException(
            $"The OpenAPI document does not read: {string.Join("; ", read.Diagnostic?.Errors.Select(error => error.Message) ?? [])}");
        evaluation.SchemaRegistry.Register(new JsonNodeBaseDocument(JsonNode.Parse(json)!, DocumentUri));
    }

    /// <summary>The repository's document, copied beside the tests by their build.</summary>
    public static ApiContract Checked { get; } = Load();

    /// <summary>What the answer breaks of the document, each with its reason; empty when it keeps it.</summary>
    public IReadOnlyList<string> Violations(HttpMethod method, string path, int status, string? mediaType, IEnumerable<string> headers, string body)
    {
        if (Find(method, path) is not var (template, operation))
        {
            return [];
        }

        var name = $"{method} {template}";
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var responses = operation.Responses ?? [];
        if (responses.GetValueOrDefault(key) is not { } response)
        {
            if (status < 500 || responses.GetValueOrDefault("default") is not { } fallback)
            {
                return [$"{name} answered {status}, which openapi/v1.json does not list for it (it lists {string.Join(", ", responses.Keys)})"];
            }

            (key, response) = ("default", fallback);
        }

        var violations = new List<string>();
        foreach (var header in (response.Headers?.Keys ?? []).Where(header => !headers.Contains(header, StringComparer.OrdinalIgnoreCase)))
        {
            violations.Add($"{name} answered {status} without its documented {header} header");
        }

        if (body.Length == 0)
        {
            return violations;
        }

        if (mediaType is null || response.Content?.ContainsKey(mediaType) != true)
        {
            violations.Add($"{name} answered {status} with a {mediaType ?? "typeless"} body, which openapi/v1.json does not list ({string.Join(", ", response.Content?.Keys ?? [])})");
            return violations;
        }

        var pointer = $"#/paths/{Escape(template)}/{method.Method.ToLowerInvariant()}/responses/{key}/content/{Escape(mediaType)}/schema";
        var results = JsonSchema.FromText($$"""{"$ref": "{{DocumentUri}}{{pointer}}"}""").Evaluate(JsonNode.Parse(body), evaluation);
        if (!results.IsValid)
        {
            var errors = results.Details.Where(detail => detail.Errors is not null)
                .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"));
            violations.Add($"{name} answered {status} with a body that does not match its schema: {string.Join("; ", errors.Take(5))}");
        }

        return violations;
    }

    private (string Template, OpenApiOperation Operation)? Find(HttpMethod method, string path)
    {
        var segments = path.Split('?')[0].Trim('/').Split('/');
        foreach (var (template, item) in document.Paths)
        {
            var parts = template.Trim('/').Split('/');
            var matches = parts.Length == segments.Length && parts.Zip(segments).All(pair =>
                pair.First.StartsWith('{') || string.Equals(pair.First, Uri.UnescapeDataString(pair.Second), StringComparison.OrdinalIgnoreCase));
            if (matches && item.Operations?.GetValueOrDefault(method) is { } operation)
            {
                return (template, operation);
            }
        }

        return null;
    }

    // A JSON pointer's escaping of a key: ~ and / are ~0 and ~1.
    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static ApiContract Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "openapi", "v1.json");
        return File.Exists(path)
            ? new ApiContract(File.ReadAllText(path))
            : throw new FileNotFoundException("openapi/v1.json is missing: run make openapi (and commit it); the tests check every answer against it.", path);
    }
}
