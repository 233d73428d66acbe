using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TheReview.Backend.Api.Health;

/// <summary>Outside Development a health body names the failing check, never its exception or connection details.</summary>
internal static class HealthReportRedaction
{
    public const string FailedDescription = "Check failed; the service log has the details.";

    public static HealthReport WithoutDetails(HealthReport report) =>
        new(
            report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new HealthReportEntry(
                    entry.Value.Status,
                    entry.Value.Status == HealthStatus.Healthy ? entry.Value.Description : FailedDescription,
                    entry.Value.Duration,
                    exception: null,
                    data: null,
                    tags: entry.Value.Tags)),
            report.Status,
            report.TotalDuration);
}
