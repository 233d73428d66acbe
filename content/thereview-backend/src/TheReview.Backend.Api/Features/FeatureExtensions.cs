namespace TheReview.Backend.Api.Features;

/// <summary>The service's features: every <see cref="IFeature"/> of this assembly, in the order of their names.</summary>
internal static class FeatureExtensions
{
    private static readonly IFeature[] All = [.. typeof(FeatureExtensions).Assembly.GetTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && type.IsAssignableTo(typeof(IFeature)))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .Select(type => (IFeature)Activator.CreateInstance(type)!)];

    public static WebApplicationBuilder AddFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddOwnership();
        foreach (var feature in All)
        {
            feature.AddServices(builder);
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapFeatures(this IEndpointRouteBuilder endpoints)
    {
        foreach (var feature in All)
        {
            feature.MapEndpoints(endpoints);
        }

        return endpoints;
    }
}
