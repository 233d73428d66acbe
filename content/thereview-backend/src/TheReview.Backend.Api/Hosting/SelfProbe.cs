namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// The <c>healthcheck</c> command: the container's HEALTHCHECK without curl or a shell. It asks the running
/// instance's <c>/health/live</c> on the management port and exits 0 on 200, 1 otherwise. The management port
/// is the app's own setting, so the probe finds the instance however the operator chose the public port
/// (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS or Kestrel endpoints).
/// </summary>
internal static class SelfProbe
{
    public const string Command = "healthcheck";

    public static bool IsRequested(string[] args) => args is [Command, ..];

    public static async Task<int> RunAsync()
    {
        // The settings the instance read: its appsettings files beside the app and the environment.
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environments.Production;
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        int port;
        try
        {
            port = ManagementPort.PortOf(configuration);
        }
        catch (InvalidSettingException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 1;
        }

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
