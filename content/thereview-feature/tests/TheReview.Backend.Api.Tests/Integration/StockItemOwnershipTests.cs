using System.Net;
using System.Net.Http.Json;
using TheReview.Backend.Api.Features.StockItems;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// A stock item belongs to the caller who made it (the token's subject): only they or an administrator
/// (Auth:AdminScope) may change or delete it; another writer gets 403 and the stock item stays as it was.
/// </summary>
public sealed class StockItemOwnershipTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly StockItemRequest First = new("First", "Made by the tests.");

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_writer_gets_403_and_the_owner_and_an_administrator_may_change()
    {
        service.Require(service.Postgres);
        using var ana = service.CreateClient("ana", TestIdentityProvider.WriteScope);
        using var bob = service.CreateClient("bob", TestIdentityProvider.WriteScope);
        using var admin = service.CreateClient("carol", $"{TestIdentityProvider.WriteScope} {TestIdentityProvider.AdminScope}");
        var created = await ana.PostAsJsonAsync("/api/stock-items", First, Cancellation);
        var item = (await created.Content.ReadFromJsonAsync<StockItemResponse>(Cancellation))!;
        Assert.Equal("ana", item.Owner);

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PutAsJsonAsync($"/api/stock-items/{item.Id}", First with { Name = "Taken" }, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.DeleteAsync($"/api/stock-items/{item.Id}", Cancellation)).StatusCode);
        Assert.Equal(item, await ana.GetFromJsonAsync<StockItemResponse>($"/api/stock-items/{item.Id}", Cancellation));

        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync($"/api/stock-items/{item.Id}", First with { Name = "Renamed" }, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/stock-items/{item.Id}", Cancellation)).StatusCode);
    }
}
