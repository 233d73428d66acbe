using Prometheus;

namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// Metrics, the detailed health report and the container's self-probe are served on a port of their own
/// (<c>Management:Port</c>, 8081 by default), which no proxy forwards and Prometheus scrapes on the backend
/// network. A path rule on the public port can be spelled around (<c>/METRICS</c>, <c>/metrics/</c>); the local
/// port of a connection cannot. The management port answers nothing else.
/// </summary>
internal static class ManagementPort
{
    public const string PortKey = "Management:Port";
    public const int DefaultPort = 8081;

    /// <summary>The port from configuration, checked: a whole number from 1 to 65535.</summary>
    public static int PortOf(IConfiguration configuration)
    {
        var value = configuration[PortKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultPort;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new InvalidSettingException($"{PortKey} (Management__Port) is '{value}': set a port from 1 to 65535, other than the API's own.");
    }

    /// <summary>
    /// Listens on the management port beside the public addresses, however the operator chose those: Kestrel
    /// endpoints in configuration win over URLS, which win over HTTP_PORTS/HTTPS_PORTS (Kestrel's own order).
    /// </summary>
    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder)
    {
        var port = PortOf(builder.Configuration);
        var endpoints = builder.Configuration.GetSection("Kestrel:Endpoints");
        var publicUrls = endpoints.Exists()
            ? [.. endpoints.GetChildren().Select(endpoint => endpoint["Url"] ?? "")]
            : PublicUrls(builder.Configuration);
        if (publicUrls.Any(url => BindingAddress.Parse(url).Port == port))
        {
            throw new InvalidSettingException(
                $"{PortKey} (Management__Port) is {port}, which the API itself listens on ({string.Join(", ", publicUrls)}): choose another port.");
        }

        if (endpoints.Exists())
        {
            // Endpoints from code and from configuration are bound together.
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        }
        else
        {
            builder.WebHost.UseUrls([.. publicUrls, $"http://+:{port}"]);
        }

        return builder;
    }

    /// <summary>
    /// Requests on the management port get its own short pipeline: no request log, no HTTP metrics, no rate limit,
    /// and nothing but the paths below. Everything after this runs for the public port only.
    /// </summary>
    public static WebApplication UseManagementPort(this WebApplication app)
    {
        var port = PortOf(app.Configuration);
        app.MapWhen(context => context.Connection.LocalPort == port, management =>
        {
            management.UseMetricServer(MetricsExtensions.Path);
            management.UseHealthChecks(HealthExtensions.LivePath, HealthExtensions.Liveness);
            management.Map(HealthExtensions.ReadyPath, ready => ready.Run(context => HealthExtensions.WriteReadinessAsync(context, detailed: true)));
            management.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
        // Routing after the branch: the public endpoints (short-circuited probes included) match on the public port only.
        app.UseRouting();
        return app;
    }

    private static string[] PublicUrls(ConfigurationManager configuration)
    {
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        string[] ports =
        [
            .. Ports(configuration[WebHostDefaults.HttpPortsKey]).Select(port => $"http://*:{port}"),
            .. Ports(configuration[WebHostDefaults.HttpsPortsKey]).Select(port => $"https://*:{port}"),
        ];
        return ports.Length > 0 ? ports : ["http://localhost:5000"];
    }

    private static string[] Ports(string? list) =>
        list?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
