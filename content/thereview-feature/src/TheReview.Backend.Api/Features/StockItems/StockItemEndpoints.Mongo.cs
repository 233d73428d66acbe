namespace TheReview.Backend.Api.Features.StockItems;

internal static partial class StockItemEndpoints
{
    static partial void MapActivity(RouteGroupBuilder stockItems) => stockItems.MapActivity<StockItem>("ListStockItemActivity");
}
