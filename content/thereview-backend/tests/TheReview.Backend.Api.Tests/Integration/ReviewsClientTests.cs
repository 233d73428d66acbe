using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// The API through the client Kiota generates from openapi/v1.json, as another service would call it: a change of
/// the contract that breaks its callers fails the client's build or these tests.
/// </summary>
public sealed class ReviewsClientTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_review_is_created_read_listed_updated_and_deleted_through_the_client()
    {
        service.Require(service.Postgres);
        using var http = service.CreateClient();
        var reviews = Client(http).Api.Reviews;

        var created = await reviews.PostAsync(new Models.ReviewRequest { Subject = "Grinder", Rating = 4, Text = "Even grind." }, cancellationToken: Cancellation);
        var id = created!.Id!.Value;
        var read = await reviews[id].GetAsync(cancellationToken: Cancellation);
        var page = await reviews.GetAsync(request => request.QueryParameters.Take = 100, Cancellation);
        var updated = await reviews[id].PutAsync(new Models.ReviewRequest { Subject = "Grinder", Rating = 2, Text = "Clogs." }, cancellationToken: Cancellation);
        await reviews[id].DeleteAsync(cancellationToken: Cancellation);

        Assert.Equal(("Grinder", 4, "Even grind."), (read!.Subject, read.Rating, read.Text));
        Assert.Contains(page!.Items!, item => item.Id == id);
        Assert.Equal((2, "Clogs."), (updated!.Rating, updated.Text));
        var gone = await Assert.ThrowsAsync<Models.ProblemDetails>(() => reviews[id].GetAsync(cancellationToken: Cancellation));
        Assert.Equal(404, gone.ResponseStatusCode);
    }

    [Fact]
    public async Task A_review_that_does_not_validate_is_a_validation_problem_naming_the_field()
    {
        service.Require(service.Postgres);
        using var http = service.CreateClient();

        var problem = await Assert.ThrowsAsync<Models.HttpValidationProblemDetails>(() => Client(http).Api.Reviews.PostAsync(
            new Models.ReviewRequest { Subject = "Grinder", Rating = 9, Text = "" }, cancellationToken: Cancellation));

        Assert.Equal(400, problem.ResponseStatusCode);
        Assert.Contains(problem.Errors!.AdditionalData.Keys, field => field.Equals(nameof(ReviewRequest.Rating), StringComparison.OrdinalIgnoreCase));
        Assert.False(string.IsNullOrEmpty(problem.TraceId));
    }

    [Fact]
    public async Task An_unknown_review_is_a_not_found_problem()
    {
        service.Require(service.Postgres);
        using var http = service.CreateClient();

        var problem = await Assert.ThrowsAsync<Models.ProblemDetails>(() => Client(http).Api.Reviews[Guid.NewGuid()].GetAsync(cancellationToken: Cancellation));

        Assert.Equal((404, 404), (problem.ResponseStatusCode, problem.Status));
    }

    // The fixture's client carries the caller's token and checks every answer against the document.
    private static ApiClient Client(HttpClient http) =>
        new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') });
}
