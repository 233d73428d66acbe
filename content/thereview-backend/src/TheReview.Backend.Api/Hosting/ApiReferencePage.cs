using Scalar.AspNetCore;

namespace TheReview.Backend.Api.Hosting;

/// <summary>The interactive API reference at /scalar: compiled into Debug builds only (see the project file).</summary>
internal static partial class ApiDefaultsExtensions
{
    static partial void MapReferencePage(WebApplication app) => app.MapScalarApiReference().AllowAnonymous();
}
