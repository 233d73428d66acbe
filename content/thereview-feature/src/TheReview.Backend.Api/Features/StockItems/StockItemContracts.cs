using System.ComponentModel.DataAnnotations;

namespace TheReview.Backend.Api.Features.StockItems;

/// <summary>Limits shared by validation and the database schema.</summary>
public static class StockItemLimits
{
    public const int NameLength = 200;
    public const int DescriptionLength = 2000;
    public const int MaxPageSize = 100;
}

/// <summary>The body of <c>POST /api/stock-items</c> and <c>PUT /api/stock-items/{id}</c>; the owner is the caller, never the body.</summary>
public sealed record StockItemRequest(
    [property: Required, StringLength(StockItemLimits.NameLength, MinimumLength = 1)] string Name,
    [property: StringLength(StockItemLimits.DescriptionLength)] string? Description = null)
{
    /// <summary>A new stock item, owned by the caller who sent the request.</summary>
    public StockItem ToStockItem(string owner, DateTimeOffset now) =>
        new() { Name = Name, Description = Description, Owner = owner, CreatedAt = now, UpdatedAt = now };

    /// <summary>Writes the request's fields over the stock item's.</summary>
    public void ApplyTo(StockItem stockItem, DateTimeOffset now) =>
        (stockItem.Name, stockItem.Description, stockItem.UpdatedAt) = (Name, Description, now);
}

/// <summary>One stock item as the API returns it.</summary>
public sealed record StockItemResponse(Guid Id, string Name, string? Description, string Owner, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static StockItemResponse From(StockItem item) => new(item.Id, item.Name, item.Description, item.Owner, item.CreatedAt, item.UpdatedAt);
}

/// <summary>One page of stock items, newest first.</summary>
public sealed record StockItemPage(IReadOnlyList<StockItemResponse> Items, int Skip, int Take, int Total);
