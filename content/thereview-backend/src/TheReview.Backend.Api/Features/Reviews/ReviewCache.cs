namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>Read cache of single reviews. A cache failure is never the caller's failure: reads fall back to the database.</summary>
public interface IReviewCache
{
    Task<ReviewResponse?> GetAsync(Guid id, CancellationToken cancellationToken);

    Task SetAsync(ReviewResponse review, CancellationToken cancellationToken);

    Task InvalidateAsync(Guid id, CancellationToken cancellationToken);
}

/// <summary>Settings under <c>Reviews:Cache</c>.</summary>
public sealed class ReviewCacheOptions
{
    public const string Section = "Reviews:Cache";

    /// <summary>How long a cached review lives if no write invalidates it first.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);
}
