namespace TheReview.Backend.Api.Features.Reviews;

internal static partial class ReviewEndpoints
{
    static partial void AddCache(RouteGroupBuilder reviews) =>
        reviews.AddCacheAside<ReviewResponse>("reviews", read: nameof(GetAsync), invalidatedBy: [nameof(UpdateAsync), nameof(DeleteAsync)]);
}
