namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>Without Redis every read goes to the database.</summary>
internal sealed class NoReviewCache : IReviewCache
{
    public Task<ReviewResponse?> GetAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult<ReviewResponse?>(null);

    public Task SetAsync(ReviewResponse review, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task InvalidateAsync(Guid id, CancellationToken cancellationToken) => Task.CompletedTask;
}
