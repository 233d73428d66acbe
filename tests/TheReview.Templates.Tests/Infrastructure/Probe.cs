using System.Net;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>Asking a service from outside while it starts: a status code, or null while nothing answers in time.</summary>
public static class Probe
{
    public static async Task<HttpStatusCode?> StatusAsync(HttpClient client, string url)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
