namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>The activity log as one structured log event per change: the fallback when no document store is configured.</summary>
internal sealed partial class LoggedReviewActivityLog(ILogger<LoggedReviewActivityLog> logger) : IReviewActivityLog
{
    public Task RecordAsync(Guid reviewId, ReviewAction action, string actor, CancellationToken cancellationToken)
    {
        LogActivity(logger, reviewId, action, actor);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Review {ReviewId} {Action} by {Actor}")]
    private static partial void LogActivity(ILogger logger, Guid reviewId, ReviewAction action, string actor);
}
