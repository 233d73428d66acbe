namespace TheReview.Backend.Api.Features.Reviews;

internal static partial class ReviewEndpoints
{
    static partial void MapActivity(RouteGroupBuilder reviews) => reviews.MapActivity<Review>("ListReviewActivity");
}
