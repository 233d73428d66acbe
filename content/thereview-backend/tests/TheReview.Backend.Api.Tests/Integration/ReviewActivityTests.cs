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

        var activity = await client.GetFromJsonAsync<List<ActivityEntry>>(
            $"/api/reviews/{review.Id}/activity", TestContext.Current.CancellationToken);

        Assert.Equal([Change.Created, Change.Deleted], activity!.Select(a => a.Action));
        Assert.All(activity!, entry => Assert.Equal(review.Author, entry.Actor));
    }

    [Fact]
    public async Task The_activity_log_gets_its_index_on_record_and_time_at_start_up()
    {
        service.Require(service.Mongo);
        using var client = service.CreateClient();
        var indexes = service.Services.GetRequiredService<IMongoDatabase>()
            .GetCollection<MongoDB.Bson.BsonDocument>(ActivityLog<Review>.CollectionName).Indexes;

        var names = new List<string>();
        for (var attempt = 0; attempt < 50 && !names.Contains(ActivityIndex<Review>.Name); attempt++)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            names = [.. (await (await indexes.ListAsync(TestContext.Current.CancellationToken)).ToListAsync(TestContext.Current.CancellationToken))
                .Select(index => index["name"].AsString)];
        }

        Assert.Contains(ActivityIndex<Review>.Name, names);
    }
}
