using System.Net.Http.Json;

namespace TheReview.Backend.Api.Tests.Integration;

public sealed class ReviewCacheTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_second_read_is_served_from_the_cache()
    {
        service.Require(service.Postgres, service.Redis);
        using var client = service.CreateClient();
        var review = await ReviewsApiTests.CreateAsync(client);

        Assert.Equal("MISS", await CacheStatusAsync(client, review.Id));
        Assert.Equal("HIT", await CacheStatusAsync(client, review.Id));
    }

    [Fact]
    public async Task A_write_invalidates_the_cached_review()
    {
        service.Require(service.Postgres, service.Redis);
        using var client = service.CreateClient();
        var review = await ReviewsApiTests.CreateAsync(client);
        await CacheStatusAsync(client, review.Id);

        var update = new ReviewRequest(review.Subject, 1, "Changed my mind.");
        (await client.PutAsJsonAsync($"/api/reviews/{review.Id}", update, Cancellation)).EnsureSuccessStatusCode();

        using var response = await client.GetAsync($"/api/reviews/{review.Id}", Cancellation);
        Assert.Equal("MISS", response.Headers.GetValues(CacheAside.Header).Single());
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<ReviewResponse>(Cancellation))!.Rating);
    }

    private async Task<string> CacheStatusAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/reviews/{id}", Cancellation);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues(CacheAside.Header).Single();
    }
}
