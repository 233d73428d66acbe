using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Specs.Build;

/// <summary>
/// The generated API's OpenAPI document is a contract clients can trust: every operation has a summary and a
/// description, and lists each answer it can give (validation and other ProblemDetails, 429 and 503 with
/// Retry-After, the default 500; 401 and 403 with authentication), its security stated either way. The repository
/// comes with it in <c>openapi/v1.json</c>, which <c>make openapi-check</c> finds to be what the code generates at
/// build time; it is the document the running service serves, and <c>make openapi-lint</c> finds no error and no
/// warning in it with Redocly's recommended rules or Spectral's <c>spectral:oas</c>, in every cell. The pack keeps one
/// document per set of options that changes it (the sample, MongoDB's activity, authentication);
/// THEREVIEW_APPROVE_SNAPSHOTS=true writes what the code generates back into the pack.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Build)]
public sealed class ApiContractTests(TemplateHive hive)
{
    /// <summary>The sample on PostgreSQL alone and without authentication: one of the pack's documents, which no cell has.</summary>
    private static readonly Scenario PostgresOnlyWithoutAuth = new("postgres-only-auth-none", "Orders", [.. Scenario.PostgresOnly.Options, "--auth", "none"]);

    /// <summary>Every matrix cell, the sample without authentication, and the sample on PostgreSQL alone with it and without it.</summary>
    public static TheoryData<string> Services =>
        [.. PairwiseMatrix.Cells.Select(cell => cell.Id), Scenario.NoAuth.Id, Scenario.PostgresOnly.Id, PostgresOnlyWithoutAuth.Id];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_document_is_complete_served_as_built_and_passes_both_linters(string cell)
    {
        var repository = await hive.InstantiateAsync(ServiceById(cell));
        (await repository.BuildAsync()).EnsureSuccess();

        await LinkInstalledLintersAsync(repository);
        var check = await repository.RunAsync(Tools.Make, "openapi-check");
        if (check.ExitCode != 0 && Snapshot.Approving)
        {
            (await repository.RunAsync(Tools.Make, "openapi")).EnsureSuccess();
            await File.WriteAllTextAsync(ShippedDocument(repository.Scenario), repository.Read("openapi/v1.json").Replace(repository.Scenario.Name, PackPaths.SourceName, StringComparison.Ordinal), TestContext.Current.CancellationToken);
        }
        else
        {
            check.EnsureSuccess();
        }

        var lint = (await repository.RunAsync(Tools.Make, "openapi-lint")).EnsureSuccess();
        var document = JsonNode.Parse(repository.Read("openapi/v1.json"))!;

        var anonymous = repository.Scenario.ValueOf(TemplateOption.ByLongName("auth")) == "none";
        var incomplete = Operations(document).SelectMany(operation => Gaps(operation.Name, operation.Node, anonymous)).ToList();
        Assert.True(incomplete.Count == 0, string.Join('\n', incomplete));
        Assert.Contains("Redocly (recommended): 0 errors, 0 warnings", lint.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Spectral (spectral:oas): 0 problems", lint.StandardOutput, StringComparison.Ordinal);
        await using var api = await ApiProcess.StartAsync(repository.ApiAssembly, new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Postgres__MigrateOnStartup"] = "false",
        });
        var served = JsonNode.Parse(await api.Client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;
        Assert.True(JsonNode.DeepEquals(document, served), "the served document differs from the one the build wrote");
        Figures.Report($"{cell}: {check.StandardOutput.Trim()}, {document["paths"]!.AsObject().Sum(path => path.Value!.AsObject().Count)} operations; {string.Join("; ", lint.StandardOutput.Split('\n').Where(line => line.StartsWith("openapi-lint:", StringComparison.Ordinal)))}; served = built");
    }

    /// <summary>Each document the pack ships is the one some service above generates, so none goes stale unseen.</summary>
    [Fact]
    public void Every_shipped_document_is_checked_against_the_code_by_a_service_above()
    {
        var shipped = Directory.GetFiles(Path.Combine(PackPaths.TemplateDirectory, ".template.config", "openapi"), "*.json")
            .Append(Path.Combine(PackPaths.TemplateDirectory, "openapi", "v1.json"));
        var checkedByAService = Services.Select(row => row.Data)
            .Select(id => ShippedDocument(ServiceById(id)));

        Assert.Empty(shipped.Except(checkedByAService).Select(path => Path.GetRelativePath(PackPaths.TemplateDirectory, path)));
    }

    /// <summary>
    /// The generated tests check every answer they receive against the checked-in document: a handler that answers
    /// what the document does not list fails them, with the operation, the status and what the document lists.
    /// </summary>
    [Fact]
    public async Task An_answer_the_document_does_not_list_fails_the_generated_tests_that_receive_it()
    {
        var repository = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        var endpoints = repository.PathOf("src/Orders.Api/Features/Reviews/ReviewEndpoints.cs");
        const string Documented = "return review is null ? NotFound(id) : TypedResults.Ok(";
        var code = await File.ReadAllTextAsync(endpoints, TestContext.Current.CancellationToken);
        Assert.Contains(Documented, code, StringComparison.Ordinal);
        await File.WriteAllTextAsync(endpoints, code.Replace(
            Documented, "return review is null ? TypedResults.Problem(statusCode: StatusCodes.Status410Gone) : TypedResults.Ok(", StringComparison.Ordinal),
            TestContext.Current.CancellationToken);
        (await repository.BuildAsync()).EnsureSuccess();

        var tests = await repository.TestAsync(new Dictionary<string, string?>
        {
            [TestServices.PostgresVariable] = TestServices.Postgres,
            [TestServices.RedisVariable] = TestServices.Redis,
            ["THEREVIEW_TEST_REQUIRE_DATASTORES"] = "postgres,redis",
        }, "--filter-class", "*ReviewsApiTests");

        Assert.NotEqual(0, tests.ExitCode);
        const string Expected = "GET /api/reviews/{id} answered 410, which openapi/v1.json does not list for it (it lists 200, 404, 400, 429, 503, default, 401)";
        Assert.True(tests.StandardOutput.Contains(Expected, StringComparison.Ordinal), tests.StandardOutput);
        Figures.Report($"a 410 where the document lists 404: {Regex.Match(tests.StandardOutput, @"failed: \d+").Value}, \"{Expected}\"");
    }

    [Fact]
    public async Task An_endpoint_added_without_its_documentation_fails_the_lint_with_the_rules_message()
    {
        var repository = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        await File.WriteAllTextAsync(repository.PathOf("src/Orders.Api/Features/Undocumented.cs"), """
            namespace Orders.Api.Features;

            internal sealed class UndocumentedFeature : IFeature
            {
                public void AddServices(WebApplicationBuilder builder)
                {
                }

                public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/api/undocumented", () => "no summary, no description");
            }
            """, TestContext.Current.CancellationToken);

        var check = await repository.RunAsync(Tools.Make, "openapi-check");
        (await repository.RunAsync(Tools.Make, "openapi")).EnsureSuccess();
        var lint = await repository.RunAsync(Tools.Make, "openapi-lint");

        Assert.True(check.ExitCode != 0, check.Output);
        Assert.Contains("+    \"/api/undocumented\": {", check.StandardError, StringComparison.Ordinal);
        Assert.Contains("openapi/v1.json is not the document the code generates (above): run make openapi and commit it", check.StandardError, StringComparison.Ordinal);

        Assert.True(lint.ExitCode != 0, lint.Output);
        Assert.True(lint.StandardOutput.Contains("redocly error operation-summary", StringComparison.Ordinal), lint.Output);
        Assert.Contains("redocly error operation-summary: Operation object should contain `summary` field.", lint.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("operation-description", lint.Output, StringComparison.Ordinal);
        Assert.Contains("breaks the rules above", lint.StandardError, StringComparison.Ordinal);
        Figures.Report(string.Join(" | ", lint.Output.Split('\n').Where(line => line.Contains("undocumented", StringComparison.Ordinal) || line.StartsWith("openapi-lint:", StringComparison.Ordinal)).Take(6)));
    }

    // The linters, installed once by npm ci from tools/openapi's lockfile, for every cell (installing them takes
    // longer than linting); make openapi-lint then finds them in place. The undocumented-endpoint spec installs its own.
    private static readonly Lazy<Task<string>> InstalledLinters = new(async () =>
    {
        var tools = PackPaths.NewTempDirectory("openapi-linters");
        foreach (var file in new[] { "package.json", "package-lock.json" })
        {
            File.Copy(Path.Combine(PackPaths.TemplateDirectory, "tools", "openapi", file), Path.Combine(tools, file));
        }

        (await Shell.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], tools, timeout: TimeSpan.FromMinutes(5))).EnsureSuccess();
        return Path.Combine(tools, "node_modules");
    });

    private static async Task LinkInstalledLintersAsync(GeneratedRepository repository)
    {
        var link = repository.PathOf("tools/openapi/node_modules");
        var installed = await InstalledLinters.Value;
        if (!Directory.Exists(link))
        {
            Directory.CreateSymbolicLink(link, installed);
        }

        // Newer than the repository's lockfile, so the script does not install them again.
        Directory.SetLastWriteTimeUtc(installed, DateTime.UtcNow);
    }

    private static Scenario ServiceById(string id) =>
        PairwiseMatrix.Cells.SingleOrDefault(cell => cell.Id == id) ?? (id == PostgresOnlyWithoutAuth.Id ? PostgresOnlyWithoutAuth : Scenario.ById(id));

    /// <summary>The pack's document for a service's options: the template's own for the defaults, else a variant that template.json renames.</summary>
    private static string ShippedDocument(Scenario service)
    {
        var sample = service.Has("sample") && service.Has("postgres") ? service.Has("mongo") ? "sample-mongo" : "sample" : "nosample";
        var variant = $"{sample}-{service.ValueOf(TemplateOption.ByLongName("auth"))}";
        return variant == "sample-mongo-jwt"
            ? Path.Combine(PackPaths.TemplateDirectory, "openapi", "v1.json")
            : Path.Combine(PackPaths.TemplateDirectory, ".template.config", "openapi", variant + ".json");
    }

    private static IEnumerable<(string Name, JsonNode Node)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        select ($"{operation.Key.ToUpperInvariant()} {path.Key}", operation.Value!);

    /// <summary>What an operation's entry lacks; <paramref name="anonymous"/> for a service without authentication.</summary>
    private static IEnumerable<string> Gaps(string name, JsonNode operation, bool anonymous)
    {
        var responses = operation["responses"]!.AsObject();
        var write = !name.StartsWith("GET", StringComparison.Ordinal);
        string[] always = ["429", "503", "default"];
        string[] required = [.. always, .. anonymous ? [] : write ? new[] { "401", "403" } : ["401"]];
        foreach (var status in required.Where(status => !responses.ContainsKey(status)))
        {
            yield return $"{name}: no {status} answer";
        }

        foreach (var status in new[] { "429", "503" }.Where(status => responses[status]?["headers"]?["Retry-After"] is null))
        {
            yield return $"{name}: {status} without its Retry-After header";
        }

        if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()) || string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()))
        {
            yield return $"{name}: no summary or description";
        }

        if (operation["security"] is not JsonArray security || security.Count == 0 != anonymous)
        {
            yield return $"{name}: security {operation["security"]?.ToJsonString() ?? "missing"}";
        }
    }
}
