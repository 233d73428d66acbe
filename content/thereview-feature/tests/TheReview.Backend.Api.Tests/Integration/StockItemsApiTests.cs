using System.Net;
using System.Net.Http.Json;
using System.Text;
using TheReview.Backend.Api.Features.StockItems;

namespace TheReview.Backend.Api.Tests.Integration;

public sealed class StockItemsApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly StockItemRequest First = new("First", "Made by the tests.");

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_stock_item_can_be_read_back_and_is_listed()
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();

        var created = await client.PostAsJsonAsync("/api/stock-items", First, Cancellation);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = await created.Content.ReadFromJsonAsync<StockItemResponse>(Cancellation);
        Assert.NotNull(item);
        Assert.Equal($"/api/stock-items/{item.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(item, await client.GetFromJsonAsync<StockItemResponse>($"/api/stock-items/{item.Id}", Cancellation));
        var page = await client.GetFromJsonAsync<StockItemPage>("/api/stock-items?take=100", Cancellation);
        Assert.Contains(page!.Items, listed => listed.Id == item.Id);
    }

    [Fact]
    public async Task An_update_changes_the_stock_item_and_a_delete_removes_it()
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();
        var created = await client.PostAsJsonAsync("/api/stock-items", First, Cancellation);
        var item = (await created.Content.ReadFromJsonAsync<StockItemResponse>(Cancellation))!;
        // Read once, so a cache (where the service has one) holds the old version.
        await client.GetFromJsonAsync<StockItemResponse>($"/api/stock-items/{item.Id}", Cancellation);

        var updated = await client.PutAsJsonAsync($"/api/stock-items/{item.Id}", First with { Name = "Renamed" }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Renamed", (await client.GetFromJsonAsync<StockItemResponse>($"/api/stock-items/{item.Id}", Cancellation))!.Name);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/stock-items/{item.Id}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/stock-items/{item.Id}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/stock-items/{item.Id}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_stock_item_is_a_404_problem()
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();

        var response = await client.GetAsync($"/api/stock-items/{Guid.NewGuid()}", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{\"name\": \"x\", ")]
    [InlineData("{\"description\": \"no name\"}")]
    [InlineData("{\"name\": \"\"}")]
    [InlineData("{\"name\": 5}")]
    [InlineData("{\"name\": \"x\", \"admin\": true}")]
    [InlineData("[]")]
    public async Task A_malformed_or_invalid_body_is_a_400_problem(string body)
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();

        var created = await client.PostAsync("/api/stock-items", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
        var updated = await client.PutAsync($"/api/stock-items/{Guid.NewGuid()}", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Equal("application/problem+json", created.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, updated.StatusCode);
    }

    [Theory]
    [InlineData("/api/stock-items/not-a-guid")]
    [InlineData("/api/stock-items?take=0")]
    [InlineData("/api/stock-items?skip=-1")]
    public async Task A_bad_id_or_query_is_a_400_problem(string path)
    {
        service.Require(service.Postgres);
        using var client = service.CreateClient();

        var response = await client.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
