namespace TheReview.Backend.Api.Features;

/// <summary>
/// One feature of the service: its services and its endpoints. Every implementation in the assembly is found at
/// start-up (<see cref="FeatureExtensions"/>), so <c>make feature</c> adds one without editing a shared file.
/// </summary>
internal interface IFeature
{
    void AddServices(WebApplicationBuilder builder);

    void MapEndpoints(IEndpointRouteBuilder endpoints);
}
