using System.ComponentModel.DataAnnotations;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>Limits shared by validation and the database schema.</summary>
public static class ReviewLimits
{
    public const int SubjectLength = 200;
    public const int AuthorLength = Ownership.MaxOwnerLength;
    public const int TextLength = 4000;
    public const int MinRating = 1;
    public const int MaxRating = 5;
    public const int MaxPageSize = 100;
}

/// <summary>The body of <c>POST /api/reviews</c> and <c>PUT /api/reviews/{id}</c>; the author is the caller, never the body.</summary>
public sealed record ReviewRequest(
    [property: Required, StringLength(ReviewLimits.SubjectLength, MinimumLength = 1)] string Subject,
    [property: Range(ReviewLimits.MinRating, ReviewLimits.MaxRating)] int Rating,
    [property: StringLength(ReviewLimits.TextLength)] string? Text = null)
{
    /// <summary>A new review, owned by the caller who sent the request.</summary>
    public Review ToReview(string owner, DateTimeOffset now) =>
        new() { Subject = Subject, Author = owner, Rating = Rating, Text = Text, CreatedAt = now, UpdatedAt = now };

    /// <summary>Writes the request's fields over the review's.</summary>
    public void ApplyTo(Review review, DateTimeOffset now) =>
        (review.Subject, review.Rating, review.Text, review.UpdatedAt) = (Subject, Rating, Text, now);
}

/// <summary>A review as the API returns it.</summary>
public sealed record ReviewResponse(
    Guid Id,
    string Subject,
    string Author,
    int Rating,
    string? Text,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ReviewResponse From(Review review) =>
        new(review.Id, review.Subject, review.Author, review.Rating, review.Text, review.CreatedAt, review.UpdatedAt);
}

/// <summary>One page of reviews, newest first.</summary>
public sealed record ReviewPage(IReadOnlyList<ReviewResponse> Items, int Skip, int Take, int Total);
