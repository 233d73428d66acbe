using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TheReview.Backend.Api.Features;

/// <summary>Registers the services of the reviews sample.</summary>
internal static class ReviewsFeature
{
    public static WebApplicationBuilder AddReviews(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReviewCacheOptions>().BindConfiguration(ReviewCacheOptions.Section);
        //#if (redis)
        builder.Services.AddSingleton<IReviewCache, RedisReviewCache>();
        //#endif
        //#if (mongo)
        builder.Services.AddSingleton<MongoReviewActivityLog>();
        builder.Services.AddSingleton<IReviewActivityLog>(services => services.GetRequiredService<MongoReviewActivityLog>());
        builder.Services.AddHostedService<ReviewActivityIndex>();
        //#endif
        // Fallbacks for the stores left out: reads skip the cache, activity goes to the log.
        builder.Services.TryAddSingleton<IReviewCache, NoReviewCache>();
        builder.Services.TryAddSingleton<IReviewActivityLog, LoggedReviewActivityLog>();
        return builder;
    }
}
