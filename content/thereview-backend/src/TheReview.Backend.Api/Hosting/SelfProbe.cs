namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// The <c>healthcheck</c> command: the container's HEALTHCHECK without curl or a shell. It asks the running
/// instance's <c>/health/live</c> on the local port and exits 0 on 200, 1 otherwise.
/// </summary>
internal static class SelfProbe
{
    public const string Command = "healthcheck";

    public static bool IsRequested(string[] args) => args is [Command, ..];

    public static async Task<int> RunAsync()
    {
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080";
        var port = ports.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}{HealthExtensions.LivePath}"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }
}
