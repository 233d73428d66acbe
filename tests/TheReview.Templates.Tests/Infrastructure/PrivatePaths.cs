namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The spellings an attacker tries for the private paths (metrics, the per-check health report): case, trailing
/// slashes, path parameters, percent-encoding, doubled slashes and dot segments. Routing ignores case and a trailing
/// slash, and proxies normalize some of the others, so each is sent exactly as written (curl --path-as-is).
/// </summary>
public static class PrivatePaths
{
    public static readonly string[] Spellings =
    [
        "/metrics", "/METRICS", "/Metrics", "/metrics/", "/metrics;", "/metrics;x=1", "/%6Detrics", "/%6detrics",
        "//metrics", "/./metrics", "/api/../metrics", "/metrics?format=text", "/metrics%2F",
        "/health/ready/", "/HEALTH/READY", "/Health/Ready/", "/health//ready", "/health/./ready", "/%68ealth/ready",
        "/health/ready;x", "/health/ready/details", "/health/live/../ready",
    ];

    /// <summary>
    /// Sends every spelling to <paramref name="baseUrl"/> asking for JSON, and returns each that answered with the
    /// metrics or the per-check report, with its status.
    /// </summary>
    public static async Task<List<string>> LeaksAsync(string baseUrl)
    {
        var leaks = new List<string>();
        foreach (var path in Spellings)
        {
            var answer = (await Shell.RunAsync(Tools.Curl,
                ["-sk", "--path-as-is", "--max-time", "10", "-H", "Accept: application/json", "-w", "\n%{http_code}", baseUrl + path], "/")).EnsureSuccess().StandardOutput;
            var status = answer[(answer.LastIndexOf('\n') + 1)..];
            if (answer.Contains("# TYPE", StringComparison.Ordinal) || answer.Contains("\"entries\"", StringComparison.Ordinal))
            {
                leaks.Add($"{path} ({status})");
            }
        }

        return leaks;
    }
}
