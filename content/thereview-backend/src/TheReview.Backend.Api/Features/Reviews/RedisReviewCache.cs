using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>Cache-aside in Redis: JSON under <c>{prefix}reviews:{id}</c>, with an expiry, deleted on every write.</summary>
internal sealed class RedisReviewCache(RedisJsonCache cache, IOptions<ReviewCacheOptions> options) : IReviewCache
{
    public Task<ReviewResponse?> GetAsync(Guid id, CancellationToken cancellationToken) => cache.GetAsync<ReviewResponse>(Key(id));

    public Task SetAsync(ReviewResponse review, CancellationToken cancellationToken) =>
        cache.SetAsync(Key(review.Id), review, options.Value.TimeToLive);

    public Task InvalidateAsync(Guid id, CancellationToken cancellationToken) => cache.InvalidateAsync(Key(id));

    private static string Key(Guid id) => $"reviews:{id:N}";
}
