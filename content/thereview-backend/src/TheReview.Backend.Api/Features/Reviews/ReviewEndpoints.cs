using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>
/// The reviews sample: PostgreSQL holds the reviews and the activity log records each change and who made it.
/// A review's author is the caller who wrote it; only they, or an administrator, may change or delete it.
/// </summary>
internal static partial class ReviewEndpoints
{
    public static IEndpointRouteBuilder MapReviews(this IEndpointRouteBuilder endpoints)
    {
        var reviews = endpoints.MapGroup("/api/reviews").WithTags("Reviews");
        reviews.MapGet("/", ListAsync).WithName("ListReviews");
        reviews.MapGet("/{id}", GetAsync).WithName("GetReview");
        reviews.MapPost("/", CreateAsync).WithName("CreateReview");
        reviews.MapPut("/{id}", UpdateAsync).WithName("UpdateReview");
        reviews.MapDelete("/{id}", DeleteAsync).WithName("DeleteReview");
        //#if (mongo)
        reviews.MapGet("/{id}/activity", ListActivityAsync).WithName("ListReviewActivity");
        //#endif
        //#if (redis)
        reviews.AddReviewCache();
        //#endif
        return endpoints;
    }

    private static async Task<Ok<ReviewPage>> ListAsync(
        AppDbContext db,
        [Range(0, int.MaxValue)] int skip = 0,
        [Range(1, ReviewLimits.MaxPageSize)] int take = 20,
        CancellationToken cancellationToken = default)
    {
        var reviews = db.Set<Review>().AsNoTracking();
        var total = await reviews.CountAsync(cancellationToken);
        var items = await reviews
            .OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Skip(skip).Take(take)
            .Select(r => ReviewResponse.From(r))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ReviewPage(items, skip, take, total));
    }

    private static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> GetAsync(
        Guid id, AppDbContext db, CancellationToken cancellationToken)
    {
        var review = await db.Set<Review>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return review is null ? NotFound(id) : TypedResults.Ok(ReviewResponse.From(review));
    }

    private static async Task<Created<ReviewResponse>> CreateAsync(
        ReviewRequest request, ClaimsPrincipal caller, HttpContext http, LinkGenerator links, AppDbContext db, IReviewActivityLog activity,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = Now(clock);
        var review = new Review
        {
            Subject = request.Subject,
            Author = Ownership.OwnerOf(caller),
            Rating = request.Rating,
            Text = request.Text,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(review);
        await db.SaveChangesAsync(cancellationToken);
        await activity.RecordAsync(review.Id, ReviewAction.Created, review.Author, cancellationToken);
        // A path, not a URL: the Host header, which any caller chooses, never reaches the answer.
        return TypedResults.Created(links.GetPathByName(http, "GetReview", new { id = review.Id }), ReviewResponse.From(review));
    }

    private static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> UpdateAsync(
        Guid id, ReviewRequest request, ClaimsPrincipal caller, IAuthorizationService authorization, AppDbContext db,
        IReviewActivityLog activity, TimeProvider clock, CancellationToken cancellationToken)
    {
        var review = await db.Set<Review>().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (review is null)
        {
            return NotFound(id);
        }

        if (!await authorization.MayChangeAsync(caller, review))
        {
            return Ownership.Forbidden("review");
        }

        (review.Subject, review.Rating, review.Text, review.UpdatedAt) = (request.Subject, request.Rating, request.Text, Now(clock));
        await db.SaveChangesAsync(cancellationToken);
        await activity.RecordAsync(id, ReviewAction.Updated, Ownership.OwnerOf(caller), cancellationToken);
        return TypedResults.Ok(ReviewResponse.From(review));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal caller, IAuthorizationService authorization, AppDbContext db, IReviewActivityLog activity,
        CancellationToken cancellationToken)
    {
        var review = await db.Set<Review>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (review is null)
        {
            return NotFound(id);
        }

        if (!await authorization.MayChangeAsync(caller, review))
        {
            return Ownership.Forbidden("review");
        }

        // Gone already if another request deleted it in between: the same 404 as before the check.
        if (await db.Set<Review>().Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return NotFound(id);
        }

        await activity.RecordAsync(id, ReviewAction.Deleted, Ownership.OwnerOf(caller), cancellationToken);
        return TypedResults.NoContent();
    }
    //#if (mongo)

    private static async Task<Ok<IReadOnlyList<ReviewActivity>>> ListActivityAsync(
        Guid id, MongoReviewActivityLog activity, CancellationToken cancellationToken) =>
        TypedResults.Ok(await activity.ListAsync(id, cancellationToken));
    //#endif

    // PostgreSQL keeps microseconds; answering with the stored precision keeps responses and reads equal.
    private static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Review not found", detail: $"There is no review with id {id}.");
}
