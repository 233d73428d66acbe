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
    public static IEndpointRouteBuilder MapStockItems(this IEndpointRouteBuilder endpoints)
    {
        var items = endpoints.MapGroup("/api/stock-items").WithTags("StockItems");
        items.MapGet("/", ListAsync).WithName("ListStockItems");
        items.MapGet("/{id}", GetAsync).WithName("GetStockItem");
        items.MapPost("/", CreateAsync).WithName("CreateStockItem");
        items.MapPut("/{id}", UpdateAsync).WithName("UpdateStockItem");
        items.MapDelete("/{id}", DeleteAsync).WithName("DeleteStockItem");
        //#if (redis)
        items.AddStockItemCache();
        //#endif
        return endpoints;
    }

    private static async Task<Ok<StockItemPage>> ListAsync(
        AppDbContext db,
        [Range(0, int.MaxValue)] int skip = 0,
        [Range(1, StockItemLimits.MaxPageSize)] int take = 20,
        CancellationToken cancellationToken = default)
    {
        var items = db.Set<StockItem>().AsNoTracking();
        var total = await items.CountAsync(cancellationToken);
        var page = await items
            .OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id)
            .Skip(skip).Take(take)
            .Select(i => StockItemResponse.From(i))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new StockItemPage(page, skip, take, total));
    }

    private static async Task<Results<Ok<StockItemResponse>, ProblemHttpResult>> GetAsync(
        Guid id, AppDbContext db, CancellationToken cancellationToken)
    {
        var item = await db.Set<StockItem>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        return item is null ? NotFound(id) : TypedResults.Ok(StockItemResponse.From(item));
    }

    private static async Task<Created<StockItemResponse>> CreateAsync(
        StockItemRequest request, ClaimsPrincipal caller, HttpContext http, LinkGenerator links, AppDbContext db, StockItemActivityLog activity,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = Now(clock);
        var item = new StockItem { Name = request.Name, Description = request.Description, Owner = Ownership.OwnerOf(caller), CreatedAt = now, UpdatedAt = now };
        db.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        await activity.RecordAsync(item.Id, StockItemActivityLog.Created, item.Owner, cancellationToken);
        // A path, not a URL: the Host header, which any caller chooses, never reaches the answer.
        return TypedResults.Created(links.GetPathByName(http, "GetStockItem", new { id = item.Id }), StockItemResponse.From(item));
    }

    private static async Task<Results<Ok<StockItemResponse>, ProblemHttpResult>> UpdateAsync(
        Guid id, StockItemRequest request, ClaimsPrincipal caller, IAuthorizationService authorization, AppDbContext db,
        StockItemActivityLog activity, TimeProvider clock, CancellationToken cancellationToken)
    {
        var item = await db.Set<StockItem>().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (item is null)
        {
            return NotFound(id);
        }

        if (!await authorization.MayChangeAsync(caller, item))
        {
            return Ownership.Forbidden("stock item");
        }

        (item.Name, item.Description, item.UpdatedAt) = (request.Name, request.Description, Now(clock));
        await db.SaveChangesAsync(cancellationToken);
        await activity.RecordAsync(id, StockItemActivityLog.Updated, Ownership.OwnerOf(caller), cancellationToken);
        return TypedResults.Ok(StockItemResponse.From(item));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal caller, IAuthorizationService authorization, AppDbContext db, StockItemActivityLog activity,
        CancellationToken cancellationToken)
    {
        var item = await db.Set<StockItem>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (item is null)
        {
            return NotFound(id);
        }

        if (!await authorization.MayChangeAsync(caller, item))
        {
            return Ownership.Forbidden("stock item");
        }

        // Gone already if another request deleted it in between: the same 404 as before the check.
        if (await db.Set<StockItem>().Where(i => i.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return NotFound(id);
        }

        await activity.RecordAsync(id, StockItemActivityLog.Deleted, Ownership.OwnerOf(caller), cancellationToken);
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
