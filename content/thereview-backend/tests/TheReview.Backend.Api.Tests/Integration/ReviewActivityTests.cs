using System.Net.Http.Json;

namespace TheReview.Backend.Api.Tests.Integration;

public sealed class ReviewActivityTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Every_change_of_a_review_is_recorded_in_the_activity_log()
    {
        service.Require(service.Postgres, service.Mongo);
        using var client = service.CreateClient();
        var review = await ReviewsApiTests.CreateAsync(client);
        (await client.DeleteAsync($"/api/reviews/{review.Id}", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var activity = await client.GetFromJsonAsync<List<ReviewActivity>>(
            $"/api/reviews/{review.Id}/activity", TestContext.Current.CancellationToken);

        Assert.Equal([ReviewAction.Created, ReviewAction.Deleted], activity!.Select(a => a.Action));
    }
}
