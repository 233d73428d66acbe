using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace TheReview.Backend.Api.Features.StockItems;

/// <summary>
/// Create, read, update, delete and list stock items; each change goes to the activity log with who made it. The
/// caller who made a stock item owns it: only they, or an administrator, may change or delete it.
/// </summary>
internal static partial class StockItemEndpoints
{
    public static readonly ApiTag Tag = new("StockItems", "Stock items: create, read, update, delete and list them; the caller who made one owns it.");

    public static IEndpointRouteBuilder MapStockItems(this IEndpointRouteBuilder endpoints)
    {
        var stockItems = endpoints.MapGroup("/api/stock-items").WithTags(Tag.Name);
        stockItems.MapGet("/", ListAsync).WithName("ListStockItems");
        stockItems.MapGet("/{id}", GetAsync).WithName("GetStockItem").ProducesProblem(StatusCodes.Status404NotFound);
        stockItems.MapPost("/", CreateAsync).WithName("CreateStockItem");
        stockItems.MapPut("/{id}", UpdateAsync).WithName("UpdateStockItem").ProducesProblem(StatusCodes.Status404NotFound);
        stockItems.MapDelete("/{id}", DeleteAsync).WithName("DeleteStockItem").ProducesProblem(StatusCodes.Status404NotFound);
        MapActivity(stockItems);
        AddCache(stockItems);
        return endpoints;
    }

    // What the datastores add, where the service has them: ReviewEndpoints.Mongo.cs and ReviewEndpoints.Redis.cs.
    static partial void MapActivity(RouteGroupBuilder stockItems);

    static partial void AddCache(RouteGroupBuilder stockItems);

    /// <summary>Lists stock items, newest first.</summary>
    /// <remarks>One page of them: skip and take choose which; total counts them all.</remarks>
    /// <param name="db">The database.</param>
    /// <param name="skip">How many stock items to skip.</param>
    /// <param name="take">How many stock items to return, at most 100.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Ok<StockItemPage>> ListAsync(
        AppDbContext db,
        [Range(0, int.MaxValue)] int skip = 0,
        [Range(1, StockItemLimits.MaxPageSize)] int take = 20,
        CancellationToken cancellationToken = default)
    {
        var stockItems = db.Set<StockItem>().AsNoTracking();
        var total = await stockItems.CountAsync(cancellationToken);
        var page = await stockItems
            .OrderByDescending(stockItem => stockItem.CreatedAt).ThenBy(stockItem => stockItem.Id)
            .Skip(skip).Take(take)
            .Select(stockItem => StockItemResponse.From(stockItem))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new StockItemPage(page, skip, take, total));
    }

    /// <summary>Reads one stock item.</summary>
    /// <remarks>The stock item with this id, or 404 when there is none.</remarks>
    /// <param name="id">The stock item's id.</param>
    /// <param name="db">The database.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Results<Ok<StockItemResponse>, ProblemHttpResult>> GetAsync(
        Guid id, AppDbContext db, CancellationToken cancellationToken)
    {
        var stockItem = await db.Set<StockItem>().AsNoTracking().FirstOrDefaultAsync(stockItem => stockItem.Id == id, cancellationToken);
        return stockItem is null ? NotFound(id) : TypedResults.Ok(StockItemResponse.From(stockItem));
    }

    /// <summary>Creates a stock item.</summary>
    /// <remarks>The caller becomes its owner; the Location header gives its path.</remarks>
    /// <param name="request">The new stock item's fields.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="http">The request.</param>
    /// <param name="links">Paths of endpoints.</param>
    /// <param name="db">The database.</param>
    /// <param name="activity">The activity log.</param>
    /// <param name="clock">The time.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Created<StockItemResponse>> CreateAsync(
        StockItemRequest request, ClaimsPrincipal caller, HttpContext http, LinkGenerator links, AppDbContext db,
        ActivityLog<StockItem> activity, TimeProvider clock, CancellationToken cancellationToken)
    {
        var owner = Ownership.OwnerOf(caller);
        var stockItem = request.ToStockItem(owner, Now(clock));
        db.Add(stockItem);
        await db.SaveChangesAsync(cancellationToken);
        await activity.RecordAsync(stockItem.Id, Change.Created, owner, cancellationToken);
        // A path, not a URL: the Host header, which any caller chooses, never reaches the answer.
        return TypedResults.Created(links.GetPathByName(http, "GetStockItem", new { id = stockItem.Id }), StockItemResponse.From(stockItem));
    }

    /// <summary>Replaces a stock item's fields.</summary>
    /// <remarks>Only its owner, or an administrator, may (403 for anyone else); 404 when there is no such stock item.</remarks>
    /// <param name="id">The stock item's id.</param>
    /// <param name="request">The stock item's new fields.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="authorization">Who may change what.</param>
    /// <param name="db">The database.</param>
    /// <param name="activity">The activity log.</param>
    /// <param name="clock">The time.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Results<Ok<StockItemResponse>, ProblemHttpResult>> UpdateAsync(
        Guid id, StockItemRequest request, ClaimsPrincipal caller, IAuthorizationService authorization, AppDbContext db,
        ActivityLog<StockItem> activity, TimeProvider clock, CancellationToken cancellationToken)
    {
        var stockItem = await db.Set<StockItem>().FirstOrDefaultAsync(stockItem => stockItem.Id == id, cancellationToken);
        if (stockItem is null)
        {
            return NotFound(id);
        }

        if (!await authorization.MayChangeAsync(caller, stockItem))
        {
            return Ownership.Forbidden("stock item");
        }

        request.ApplyTo(stockItem, Now(clock));
        await db.SaveChangesAsync(cancellationToken);
        await activity.RecordAsync(id, Change.Updated, Ownership.OwnerOf(caller), cancellationToken);
        return TypedResults.Ok(StockItemResponse.From(stockItem));
    }

    /// <summary>Deletes a stock item.</summary>
    /// <remarks>Only its owner, or an administrator, may (403 for anyone else); 404 when there is no such stock item.</remarks>
    /// <param name="id">The stock item's id.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="authorization">Who may change what.</param>
    /// <param name="db">The database.</param>
    /// <param name="activity">The activity log.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal caller, IAuthorizationService authorization, AppDbContext db, ActivityLog<StockItem> activity,
        CancellationToken cancellationToken)
    {
        var stockItem = await db.Set<StockItem>().AsNoTracking().FirstOrDefaultAsync(stockItem => stockItem.Id == id, cancellationToken);
        if (stockItem is null)
        {
            return NotFound(id);
        }

        if (!await authorization.MayChangeAsync(caller, stockItem))
        {
            return Ownership.Forbidden("stock item");
        }

        // Gone already if another request deleted it in between: the same 404 as before the check.
        if (await db.Set<StockItem>().Where(stockItem => stockItem.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return NotFound(id);
        }

        await activity.RecordAsync(id, Change.Deleted, Ownership.OwnerOf(caller), cancellationToken);
        return TypedResults.NoContent();
    }

    // PostgreSQL keeps microseconds; answering with the stored precision keeps responses and reads equal.
    private static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Stock item not found", detail: $"There is no stock item with id {id}.");
}
