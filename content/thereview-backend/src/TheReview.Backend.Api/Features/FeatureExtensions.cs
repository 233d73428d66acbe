namespace TheReview.Backend.Api.Features;

/// <summary>The service's features: add one line per feature to each method.</summary>
internal static class FeatureExtensions
{
    public static WebApplicationBuilder AddFeatures(this WebApplicationBuilder builder)
    {
        //#if (reviews)
        builder.AddReviews();
        //#endif
        return builder;
    }

    public static IEndpointRouteBuilder MapFeatures(this IEndpointRouteBuilder endpoints)
    {
        //#if (reviews)
        endpoints.MapReviews();
        //#endif
        return endpoints;
    }
}
