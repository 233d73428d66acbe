namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>Without MongoDB the activity log is a structured log event per change.</summary>
internal sealed partial class LoggedReviewActivityLog(ILogger<LoggedReviewActivityLog> logger) : IReviewActivityLog
{
    public Task RecordAsync(Guid reviewId, ReviewAction action, CancellationToken cancellationToken)
    {
        LogActivity(logger, reviewId, action);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Review {ReviewId} {Action}")]
    private static partial void LogActivity(ILogger logger, Guid reviewId, ReviewAction action);
}
