namespace TheReview.Backend.Api.Features.StockItems;

internal static partial class StockItemEndpoints
{
    static partial void AddCache(RouteGroupBuilder stockItems) =>
        stockItems.AddCacheAside<StockItemResponse>("stock-items", read: nameof(GetAsync), invalidatedBy: [nameof(UpdateAsync), nameof(DeleteAsync)]);
}
