using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>
/// Create, read, update, delete and list reviews; each change goes to the activity log with who made it. The
/// caller who made a review owns it: only they, or an administrator, may change or delete it.
/// </summary>
internal static partial class ReviewEndpoints
{
    public static readonly ApiTag Tag = new("Reviews", "Reviews: create, read, update, delete and list them; the caller who made one owns it.");

    public static IEndpointRouteBuilder MapReviews(this IEndpointRouteBuilder endpoints)
    {
        var reviews = endpoints.MapGroup("/api/reviews").WithTags(Tag.Name);
        reviews.MapGet("/", ListAsync).WithName("ListReviews");
        reviews.MapGet("/{id}", GetAsync).WithName("GetReview").ProducesProblem(StatusCodes.Status404NotFound);
        reviews.MapPost("/", CreateAsync).WithName("CreateReview");
        reviews.MapPut("/{id}", UpdateAsync).WithName("UpdateReview").ProducesProblem(StatusCodes.Status404NotFound);
        reviews.MapDelete("/{id}", DeleteAsync).WithName("DeleteReview").ProducesProblem(StatusCodes.Status404NotFound);
        MapActivity(reviews);
        AddCache(reviews);
        return endpoints;
    }

    // What the datastores add, where the service has them: ReviewEndpoints.Mongo.cs and ReviewEndpoints.Redis.cs.
    static partial void MapActivity(RouteGroupBuilder reviews);

    static partial void AddCache(RouteGroupBuilder reviews);

    /// <summary>Lists reviews, newest first.</summary>
    /// <remarks>One page of them: skip and take choose which; total counts them all.</remarks>
    /// <param name="db">The database.</param>
    /// <param name="skip">How many reviews to skip.</param>
    /// <param name="take">How many reviews to return, at most 100.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Ok<ReviewPage>> ListAsync(
        AppDbContext db,
        [Range(0, int.MaxValue)] int skip = 0,
        [Range(1, ReviewLimits.MaxPageSize)] int take = 20,
        CancellationToken cancellationToken = default)
    {
        var reviews = db.Set<Review>().AsNoTracking();
        var total = await reviews.CountAsync(cancellationToken);
        var page = await reviews
            .OrderByDescending(review => review.CreatedAt).ThenBy(review => review.Id)
            .Skip(skip).Take(take)
            .Select(review => ReviewResponse.From(review))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ReviewPage(page, skip, take, total));
    }

    /// <summary>Reads one review.</summary>
    /// <remarks>The review with this id, or 404 when there is none.</remarks>
    /// <param name="id">The review's id.</param>
    /// <param name="db">The database.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> GetAsync(
        Guid id, AppDbContext db, CancellationToken cancellationToken)
    {
        var review = await db.Set<Review>().AsNoTracking().FirstOrDefaultAsync(review => review.Id == id, cancellationToken);
        return review is null ? NotFound(id) : TypedResults.Ok(ReviewResponse.From(review));
    }

    /// <summary>Creates a review.</summary>
    /// <remarks>The caller becomes its owner; the Location header gives its path.</remarks>
    /// <param name="request">The new review's fields.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="http">The request.</param>
    /// <param name="links">Paths of endpoints.</param>
    /// <param name="db">The database.</param>
    /// <param name="activity">The activity log.</param>
    /// <param name="clock">The time.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Created<ReviewResponse>> CreateAsync(
        ReviewRequest request, ClaimsPrincipal caller, HttpContext http, LinkGenerator links, AppDbContext db,
        ActivityLog<Review> activity, TimeProvider clock, CancellationToken cancellationToken)
    {
        var owner = Ownership.OwnerOf(caller);
        var review = request.ToReview(owner, Now(clock));
        db.Add(review);
        await db.SaveChangesAsync(cancellationToken);
        await activity.RecordAsync(review.Id, Change.Created, owner, cancellationToken);
        // A path, not a URL: the Host header, which any caller chooses, never reaches the answer.
        return TypedResults.Created(links.GetPathByName(http, "GetReview", new { id = review.Id }), ReviewResponse.From(review));
    }

    /// <summary>Replaces a review's fields.</summary>
    /// <remarks>Only its owner, or an administrator, may (403 for anyone else); 404 when there is no such review.</remarks>
    /// <param name="id">The review's id.</param>
    /// <param name="request">The review's new fields.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="authorization">Who may change what.</param>
    /// <param name="db">The database.</param>
    /// <param name="activity">The activity log.</param>
    /// <param name="clock">The time.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> UpdateAsync(
        Guid id, ReviewRequest request, ClaimsPrincipal caller, IAuthorizationService authorization, AppDbContext db,
        ActivityLog<Review> activity, TimeProvider clock, CancellationToken cancellationToken)
    {
        var review = await db.Set<Review>().FirstOrDefaultAsync(review => review.Id == id, cancellationToken);
        if (review is null)
        {
            return NotFound(id);
        }

        if (!await authorization.MayChangeAsync(caller, review))
        {
            return Ownership.Forbidden("review");
        }

        request.ApplyTo(review, Now(clock));
        await db.SaveChangesAsync(cancellationToken);
        await activity.RecordAsync(id, Change.Updated, Ownership.OwnerOf(caller), cancellationToken);
        return TypedResults.Ok(ReviewResponse.From(review));
    }

    /// <summary>Deletes a review.</summary>
    /// <remarks>Only its owner, or an administrator, may (403 for anyone else); 404 when there is no such review.</remarks>
    /// <param name="id">The review's id.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="authorization">Who may change what.</param>
    /// <param name="db">The database.</param>
    /// <param name="activity">The activity log.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal caller, IAuthorizationService authorization, AppDbContext db, ActivityLog<Review> activity,
        CancellationToken cancellationToken)
    {
        var review = await db.Set<Review>().AsNoTracking().FirstOrDefaultAsync(review => review.Id == id, cancellationToken);
        if (review is null)
        {
            return NotFound(id);
        }

        if (!await authorization.MayChangeAsync(caller, review))
        {
            return Ownership.Forbidden("review");
        }

        // Gone already if another request deleted it in between: the same 404 as before the check.
        if (await db.Set<Review>().Where(review => review.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
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
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Review not found", detail: $"There is no review with id {id}.");
}
