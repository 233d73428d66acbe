namespace TheReview.Backend.Api.Features.StockItems;

/// <summary>Stock items: their services, and their endpoints under <c>/api/stock-items</c>.</summary>
internal sealed class StockItemsFeature : IFeature
{
    public void AddServices(WebApplicationBuilder builder) => builder.Services.AddActivityLog<StockItem>().AddSingleton(StockItemEndpoints.Tag);

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapStockItems();
}
