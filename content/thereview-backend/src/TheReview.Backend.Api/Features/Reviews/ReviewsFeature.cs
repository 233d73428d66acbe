namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>Reviews: their services, and their endpoints under <c>/api/reviews</c>.</summary>
internal sealed class ReviewsFeature : IFeature
{
    public void AddServices(WebApplicationBuilder builder) => builder.Services.AddActivityLog<Review>().AddSingleton(ReviewEndpoints.Tag);

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapReviews();
}
