using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// Hundreds of malformed requests, generated below by kind: each one gets a 4xx with a ProblemDetails body,
/// never a 5xx, and none of them stores anything.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class MalformedRequestTests(RunningServiceFixture service)
{
    private const string Json = "application/json";

    /// <summary>The answers each kind of mistake may get.</summary>
    private static readonly Dictionary<string, HttpStatusCode[]> Expected = new()
    {
        ["invalid JSON"] = [HttpStatusCode.BadRequest],
        ["wrong type"] = [HttpStatusCode.BadRequest],
        ["invalid value"] = [HttpStatusCode.BadRequest],
        ["unknown field"] = [HttpStatusCode.BadRequest],
        ["wrong content type"] = [HttpStatusCode.UnsupportedMediaType],
        ["oversized body"] = [HttpStatusCode.RequestEntityTooLarge],
        ["bad id"] = [HttpStatusCode.BadRequest, HttpStatusCode.NotFound],
        ["bad query"] = [HttpStatusCode.BadRequest],
        ["path traversal"] = [HttpStatusCode.BadRequest, HttpStatusCode.NotFound],
        ["wrong method"] = [HttpStatusCode.MethodNotAllowed],
    };

    [Fact]
    public async Task Every_malformed_request_gets_a_4xx_problem_and_stores_nothing()
    {
        var (running, database) = await service.StartOnNewDatabaseAsync(service.WithoutMongo);
        await using var api = running;
        using var created = await api.Client.PostAsJsonAsync("/api/reviews", new { subject = "Kettle", rating = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var existing = created.Headers.Location!.OriginalString;
        var before = await api.Client.GetStringAsync(existing);

        var requests = MalformedRequests(existing).ToList();
        var wrong = new List<string>();
        var byStatus = new SortedDictionary<int, int>();
        foreach (var (kind, request) in requests)
        {
            using (request)
            {
                using var response = await api.Client.SendAsync(request);
                var status = (int)response.StatusCode;
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync();
                if (!Expected[kind].Contains(response.StatusCode) || !IsProblem(response, body))
                {
                    wrong.Add($"{kind}: {request.Method} {request.RequestUri} -> {status} {response.Content.Headers.ContentType} {body[..Math.Min(body.Length, 200)]}");
                }
            }
        }

        Figures.Report($"{requests.Count} malformed requests: " + string.Join(", ", byStatus.Select(s => $"{s.Value}x {s.Key}")) +
            $"; 5xx: {byStatus.Where(s => s.Key >= 500).Sum(s => s.Value)}");
        Assert.True(requests.Count >= 200, $"only {requests.Count} requests were generated");
        Assert.True(wrong.Count == 0, $"{wrong.Count} answers were not a 4xx problem:\n" + string.Join('\n', wrong.Take(20)));
        Assert.Equal(1, await service.Postgres.ScalarAsync(database, "SELECT count(*) FROM reviews"));
        Assert.Equal(before, await api.Client.GetStringAsync(existing));
    }

    [Fact]
    public async Task A_nul_byte_in_the_path_is_refused_by_kestrel_before_any_app_code_runs()
    {
        await using var api = await service.StartAsync(service.WithoutMongo);

        // The request line itself is invalid, so the server answers 400 and closes; no middleware sees it.
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete, HttpMethod.Put })
        {
            using var response = await api.Client.SendAsync(new HttpRequestMessage(method, "/api/reviews/%00"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/ready"));
    }

    private static bool IsProblem(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.TryGetProperty("status", out var status) && status.GetInt32() == (int)response.StatusCode
            && problem.RootElement.TryGetProperty("title", out _);
    }

    /// <summary>The requests, by kind; the write kinds go to both POST (create) and PUT (update of an existing review).</summary>
    private static IEnumerable<(string Kind, HttpRequestMessage Request)> MalformedRequests(string existing)
    {
        var writes = new[] { (HttpMethod.Post, "/api/reviews"), (HttpMethod.Put, existing) };
        var bodies = InvalidJson().Select(b => ("invalid JSON", b))
            .Concat(WrongTypes().Select(b => ("wrong type", b)))
            .Concat(InvalidValues().Select(b => ("invalid value", b)))
            .Concat(UnknownFields().Select(b => ("unknown field", b)));
        foreach (var (kind, body) in bodies)
        {
            foreach (var (method, path) in writes)
            {
                yield return (kind, Request(method, path, body, Json));
            }
        }

        foreach (var contentType in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "text/html" })
        {
            foreach (var (method, path) in writes)
            {
                yield return ("wrong content type", Request(method, path, """{"subject":"a","rating":3}""", contentType));
            }
        }

        foreach (var size in new[] { 1_100_000, 2_000_000, 5_000_000 })
        {
            foreach (var (method, path) in writes)
            {
                // As large uploads do, the client waits for 100-continue: the 413 comes before the body is sent.
                var request = Request(method, path, $$"""{"subject":"{{new string('x', size)}}","rating":3}""", Json);
                request.Headers.ExpectContinue = true;
                yield return ("oversized body", request);
            }
        }

        foreach (var id in BadIds())
        {
            yield return ("bad id", new HttpRequestMessage(HttpMethod.Get, $"/api/reviews/{id}"));
            yield return ("bad id", new HttpRequestMessage(HttpMethod.Delete, $"/api/reviews/{id}"));
            yield return ("bad id", Request(HttpMethod.Put, $"/api/reviews/{id}", """{"subject":"a","rating":3}""", Json));
        }

        foreach (var query in new[] { "skip=-1", "take=0", "take=101", "take=100000", "skip=abc", "take=1.5", "take=", "skip=99999999999" })
        {
            yield return ("bad query", new HttpRequestMessage(HttpMethod.Get, $"/api/reviews?{query}"));
        }

        foreach (var path in TraversalPaths())
        {
            yield return ("path traversal", new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)));
        }

        yield return ("wrong method", new HttpRequestMessage(HttpMethod.Patch, existing));
        yield return ("wrong method", new HttpRequestMessage(HttpMethod.Delete, "/api/reviews"));
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(method, path) { Content = content };
    }

    private static IEnumerable<string> InvalidJson() =>
    [
        "", " ", "{", "}", "[", "{\"subject\":", "{\"subject\":\"a\",}", "{subject:\"a\"}", "{'subject':'a'}", "not json at all",
        "<review/>", "null", "true", "42", "\"a string\"", "[]", "[{\"subject\":\"a\",\"author\":\"b\",\"rating\":3}]",
        "{\"subject\":\"a\",\"author\":\"b\",\"rating\":3", "{\"subject\":\"a\" \"author\":\"b\"}", "{\"subject\":\"\\u00\"}",
        "{\"subject\":\"a\",\"author\":\"b\",\"rating\":3}}", "\u0000", "{\"rating\":NaN}", "{\"rating\":Infinity}",
        "{\"subject\":\"a\",\"author\":\"b\",\"rating\":03}", "{\"subject\":\"a\"/*comment*/}",
    ];

    private static IEnumerable<string> WrongTypes() =>
    [
        """{"subject":"a","rating":"five"}""",
        """{"subject":"a","rating":4.5}""",
        """{"subject":"a","rating":true}""",
        """{"subject":"a","rating":null}""",
        """{"subject":"a","rating":[3]}""",
        """{"subject":"a","rating":{"value":3}}""",
        """{"subject":"a","rating":99999999999}""",
        """{"subject":123,"rating":3}""",
        """{"subject":["a"],"rating":3}""",
        """{"subject":{"text":"a"},"rating":3}""",
        """{"subject":true,"rating":3}""",
        """{"subject":null,"rating":3}""",
        """{"subject":"a","rating":3,"text":42}""",
        """{"subject":"a","rating":3,"text":["x"]}""",
    ];

    private static IEnumerable<string> InvalidValues() =>
    [
        """{"rating":3}""",
        """{"subject":"a"}""",
        """{}""",
        """{"subject":"","rating":3}""",
        """{"subject":"a","rating":0}""",
        """{"subject":"a","rating":6}""",
        """{"subject":"a","rating":-1}""",
        """{"subject":"a","rating":-2147483648}""",
        $$"""{"subject":"{{new string('s', 201)}}","rating":3}""",
        $$"""{"subject":"{{new string('s', 10_000)}}","rating":3}""",
        $$"""{"subject":"a","rating":3,"text":"{{new string('t', 4001)}}"}""",
        $$"""{"subject":"a","rating":3,"text":"{{new string('t', 100_000)}}"}""",
    ];

    private static IEnumerable<string> UnknownFields() =>
    [
        """{"subject":"a","rating":3,"extra":1}""",
        """{"subject":"a","rating":3,"id":"0b9d6a4e-8d1e-4b89-9a43-3f0e8f5f6a11"}""",
        """{"subject":"a","rating":3,"createdAt":"2020-01-01T00:00:00Z"}""",
        """{"subject":"a","rating":3,"isAdmin":true}""",
        """{"subject":"a","rating":3,"__proto__":{}}""",
        """{"subject":"a","rating":3,"Subject ":"x"}""",
        // The author is the caller (the token's subject): a body that names one is refused, not obeyed.
        """{"subject":"a","rating":3,"author":"mallory"}""",
        """{"subject":"a","rating":3,"author":null}""",
    ];

    private static IEnumerable<string> BadIds() =>
    [
        "not-a-guid", "123", "0", "-1", "00000000-0000-0000-0000-00000000000g", "0b9d6a4e8d1e4b899a433f0e8f5f6a1",
        "%27%20OR%201%3D1--", "%3Cscript%3E", "0b9d6a4e-8d1e-4b89-9a43-3f0e8f5f6a11",
        "00000000-0000-0000-0000-000000000000", new string('9', 300), "%E2%80%AE", "null", "undefined",
    ];

    private static IEnumerable<string> TraversalPaths() =>
    [
        "/api/reviews/%2e%2e/%2e%2e/etc/passwd", "/api/reviews/..%2f..%2fetc%2fpasswd", "/api/reviews/%2e%2e%2f%2e%2e%2fappsettings.json",
        "/api/%2e%2e/%2e%2e/%2e%2e/etc/shadow", "/api/reviews/..%5c..%5cweb.config", "/api/reviews/%252e%252e%252fetc%252fpasswd",
        "/api/reviews/....//....//etc/passwd", "/%2e%2e/appsettings.json", "/api/reviews/%c0%ae%c0%ae/etc/passwd",
        "/api/reviews/file:%2f%2f%2fetc%2fpasswd", "/appsettings.json", "/.env", "/api/reviews/%2e%2e;/%2e%2e;/etc/passwd",
    ];
}
