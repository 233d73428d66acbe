namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>The reviews sample: its services, and its endpoints under <c>/api/reviews</c>.</summary>
internal sealed class ReviewsFeature : IFeature
{
    public void AddServices(WebApplicationBuilder builder)
    {
        //#if (redis)
        builder.Services.AddOptions<ReviewCacheOptions>().BindConfiguration(ReviewCacheOptions.Section);
        builder.Services.AddSingleton<IReviewCache, RedisReviewCache>();
        //#endif
        //#if (!mongo)
        builder.Services.AddSingleton<IReviewActivityLog, LoggedReviewActivityLog>();
        //#endif
        //#if (mongo)
        builder.Services.AddSingleton<MongoReviewActivityLog>();
        builder.Services.AddSingleton<IReviewActivityLog>(services => services.GetRequiredService<MongoReviewActivityLog>());
        builder.Services.AddHostedService<ReviewActivityIndex>();
        //#endif
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapReviews();
}
