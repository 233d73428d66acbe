namespace TheReview.Backend.Api.Tests.Unit;

/// <summary>
/// The check every integration test's answers go through: an answer the document does not describe fails,
/// with the reason; requests outside the document pass untouched.
/// </summary>
public sealed class ApiContractTests
{
    private static readonly ApiContract Contract = new("""
        {
          "openapi": "3.1.1",
          "info": { "title": "A contract", "version": "1.0.0" },
          "paths": {
            "/api/things/{id}": {
              "get": {
                "responses": {
                  "200": {
                    "description": "The thing.",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } }
                  },
                  "429": {
                    "description": "Too many requests.",
                    "headers": { "Retry-After": { "schema": { "type": "integer" } } }
                  },
                  "default": { "description": "A bug." }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Thing": {
                "type": "object",
                "required": ["name"],
                "properties": { "name": { "type": "string" } },
                "additionalProperties": false
              }
            }
          }
        }
        """);

    private static readonly HttpMethod Get = HttpMethod.Get;

    [Fact]
    public void An_answer_as_documented_keeps_the_contract() =>
        Assert.Empty(Contract.Violations(Get, "/api/things/7", 200, "application/json", [], """{"name": "seven"}"""));

    [Fact]
    public void An_undocumented_status_breaks_it_and_names_the_ones_listed() =>
        Assert.Equal(
            ["GET /api/things/{id} answered 404, which openapi/v1.json does not list for it (it lists 200, 429, default)"],
            Contract.Violations(Get, "/api/things/7", 404, null, [], ""));

    [Fact]
    public void A_server_error_falls_to_default() =>
        Assert.Empty(Contract.Violations(Get, "/api/things/7", 503, null, [], ""));

    [Fact]
    public void A_body_against_its_schema_breaks_it_with_the_member_that_is_wrong()
    {
        var violation = Assert.Single(Contract.Violations(Get, "/api/things/7", 200, "application/json", [], """{"name": 7}"""));

        Assert.StartsWith("GET /api/things/{id} answered 200 with a body that does not match its schema: /name:", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undocumented_media_type_breaks_it() =>
        Assert.Equal(
            ["GET /api/things/{id} answered 200 with a text/plain body, which openapi/v1.json does not list (application/json)"],
            Contract.Violations(Get, "/api/things/7", 200, "text/plain", [], "seven"));

    [Fact]
    public void A_documented_header_missing_breaks_it() =>
        Assert.Equal(
            ["GET /api/things/{id} answered 429 without its documented Retry-After header"],
            Contract.Violations(Get, "/api/things/7", 429, null, ["X-Correlation-ID"], ""));

    [Theory]
    [InlineData("GET", "/health/live")]
    [InlineData("GET", "/api/things")]
    [InlineData("DELETE", "/api/things/7")]
    public void A_request_outside_the_document_is_not_its_business(string method, string path) =>
        Assert.Empty(Contract.Violations(new HttpMethod(method), path, 418, "text/plain", [], "teapot"));
}
