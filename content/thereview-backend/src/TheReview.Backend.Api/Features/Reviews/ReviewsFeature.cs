namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>Registers the services of the reviews sample.</summary>
internal static class ReviewsFeature
{
    public static WebApplicationBuilder AddReviews(this WebApplicationBuilder builder)
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
        return builder;
    }
}
