using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TheReview.Backend.Api.Tests.Unit;

public sealed class HealthReportRedactionTests
{
    [Fact]
    public void A_failed_check_keeps_its_name_and_status_but_loses_exception_and_description()
    {
        var failure = new HealthReportEntry(
            HealthStatus.Unhealthy, "Password=hunter2 refused", TimeSpan.FromSeconds(1), new InvalidOperationException("Password=hunter2"), null);
        var report = new HealthReport(new Dictionary<string, HealthReportEntry> { ["postgres"] = failure }, TimeSpan.FromSeconds(1));

        var redacted = HealthReportRedaction.WithoutDetails(report);

        var entry = redacted.Entries["postgres"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Null(entry.Exception);
        Assert.Equal(HealthReportRedaction.FailedDescription, entry.Description);
        Assert.Equal(HealthStatus.Unhealthy, redacted.Status);
    }

    [Fact]
    public void A_healthy_check_keeps_its_description()
    {
        var healthy = new HealthReportEntry(HealthStatus.Healthy, "fine", TimeSpan.Zero, null, null);
        var report = new HealthReport(new Dictionary<string, HealthReportEntry> { ["redis"] = healthy }, TimeSpan.Zero);

        Assert.Equal("fine", HealthReportRedaction.WithoutDetails(report).Entries["redis"].Description);
    }
}
