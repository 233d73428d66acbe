using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace TheReview.Backend.Api.Tests.Integration;

public sealed class ReviewsApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly ReviewRequest Espresso = new("Espresso machine", 5, "Great crema.");

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_review_can_be_read_back_and_is_listed()
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();

        var created = await client.PostAsJsonAsync("/api/reviews", Espresso, Cancellation);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var review = await created.Content.ReadFromJsonAsync<ReviewResponse>(Cancellation);
        Assert.NotNull(review);
        Assert.Equal($"/api/reviews/{review.Id}", created.Headers.Location?.OriginalString);
        var read = await client.GetFromJsonAsync<ReviewResponse>($"/api/reviews/{review.Id}", Cancellation);
        Assert.Equal(review, read);
        var page = await client.GetFromJsonAsync<ReviewPage>("/api/reviews?take=100", Cancellation);
        Assert.Contains(page!.Items, item => item.Id == review.Id);
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:8443")]
    public async Task The_location_of_a_created_review_is_a_path_whatever_host_the_caller_names(string host)
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reviews") { Content = JsonContent.Create(Espresso) };
        request.Headers.Host = host;

        var created = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(created.Headers.Location!.IsAbsoluteUri, created.Headers.Location.OriginalString);
        Assert.StartsWith("/api/reviews/", created.Headers.Location.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_changes_the_review_and_a_delete_removes_it()
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();
        var review = await CreateAsync(client);

        var updated = await client.PutAsJsonAsync($"/api/reviews/{review.Id}", Espresso with { Rating = 2 }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(2, (await client.GetFromJsonAsync<ReviewResponse>($"/api/reviews/{review.Id}", Cancellation))!.Rating);

        var deleted = await client.DeleteAsync($"/api/reviews/{review.Id}", Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/reviews/{review.Id}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_review_is_a_404_problem()
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();

        var response = await client.GetAsync($"/api/reviews/{Guid.NewGuid()}", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{\"subject\": \"x\", ")]
    [InlineData("{\"rating\": 4}")]
    [InlineData("{\"subject\": \"x\", \"rating\": \"five\"}")]
    [InlineData("{\"subject\": \"x\", \"rating\": 9}")]
    [InlineData("{\"subject\": \"x\", \"rating\": 4, \"admin\": true}")]
    [InlineData("[]")]
    public async Task A_malformed_or_invalid_body_is_a_400_problem(string body)
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();

        var response = await client.PostAsync("/api/reviews", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/reviews/not-a-guid")]
    [InlineData("/api/reviews/123")]
    [InlineData("/api/reviews?take=0")]
    [InlineData("/api/reviews?take=abc")]
    public async Task A_bad_id_or_query_is_a_400_problem(string path)
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();

        var response = await client.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    internal static async Task<ReviewResponse> CreateAsync(HttpClient client)
    {
        var created = await client.PostAsJsonAsync("/api/reviews", Espresso, TestContext.Current.CancellationToken);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<ReviewResponse>(TestContext.Current.CancellationToken))!;
    }
}
