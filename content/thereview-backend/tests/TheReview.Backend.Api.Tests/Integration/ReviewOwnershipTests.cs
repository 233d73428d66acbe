using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// A review belongs to the caller who wrote it: the author is the token's subject, whatever the body says, and only
/// the author or an administrator (Auth:AdminScope) may change or delete it. Another writer gets 403 and the
/// review stays as it was.
/// </summary>
public sealed class ReviewOwnershipTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly ReviewRequest Kettle = new("Kettle", 4, "Boils fast.");

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_author_is_the_callers_subject()
    {
        service.Require(service.Postgres);
        using var ana = service.CreateClient("ana", TestIdentityProvider.WriteScope);

        var review = await CreateAsync(ana);

        Assert.Equal("ana", review.Author);
        Assert.Equal("ana", (await ana.GetFromJsonAsync<ReviewResponse>($"/api/reviews/{review.Id}", Cancellation))!.Author);
    }

    [Fact]
    public async Task A_body_that_names_an_author_is_refused()
    {
        service.Require(service.Postgres);
        using var ana = service.CreateClient("ana", TestIdentityProvider.WriteScope);

        var response = await ana.PostAsync(
            "/api/reviews", new StringContent("""{"subject":"Kettle","author":"bob","rating":4}""", Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Another_writer_gets_403_for_an_update_or_a_delete_and_the_review_stays()
    {
        service.Require(service.Postgres);
        using var ana = service.CreateClient("ana", TestIdentityProvider.WriteScope);
        using var bob = service.CreateClient("bob", TestIdentityProvider.WriteScope);
        var review = await CreateAsync(ana);

        var update = await bob.PutAsJsonAsync($"/api/reviews/{review.Id}", Kettle with { Rating = 1 }, Cancellation);
        var delete = await bob.DeleteAsync($"/api/reviews/{review.Id}", Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
        Assert.Equal("application/problem+json", update.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal(review, await ana.GetFromJsonAsync<ReviewResponse>($"/api/reviews/{review.Id}", Cancellation));
    }

    [Fact]
    public async Task The_author_and_an_administrator_may_change_and_delete()
    {
        service.Require(service.Postgres);
        using var ana = service.CreateClient("ana", TestIdentityProvider.WriteScope);
        using var admin = service.CreateClient("carol", $"{TestIdentityProvider.WriteScope} {TestIdentityProvider.AdminScope}");
        var review = await CreateAsync(ana);

        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync($"/api/reviews/{review.Id}", Kettle with { Rating = 2 }, Cancellation)).StatusCode);
        var moderated = await admin.PutAsJsonAsync($"/api/reviews/{review.Id}", Kettle with { Text = "Moderated." }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, moderated.StatusCode);
        Assert.Equal("ana", (await moderated.Content.ReadFromJsonAsync<ReviewResponse>(Cancellation))!.Author);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/reviews/{review.Id}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task The_admin_scope_without_the_write_scope_changes_nothing()
    {
        service.Require(service.Postgres);
        using var ana = service.CreateClient("ana", TestIdentityProvider.WriteScope);
        using var reader = service.CreateClient("dave", TestIdentityProvider.AdminScope);
        var review = await CreateAsync(ana);

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"/api/reviews/{review.Id}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ana.GetAsync($"/api/reviews/{review.Id}", Cancellation)).StatusCode);
    }

    private async Task<ReviewResponse> CreateAsync(HttpClient client)
    {
        var created = await client.PostAsJsonAsync("/api/reviews", Kettle, Cancellation);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<ReviewResponse>(Cancellation))!;
    }
}
