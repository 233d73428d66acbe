namespace TheReview.Backend.Api.Features.StockItems;

/// <summary>The changes of stock items as one structured log event each: this service has no document store.</summary>
internal sealed partial class StockItemActivityLog(ILogger<StockItemActivityLog> logger)
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";

    public Task RecordAsync(Guid id, string action, string actor, CancellationToken cancellationToken)
    {
        LogActivity(logger, id, action, actor);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stock item {StockItemId} {Action} by {Actor}")]
    private static partial void LogActivity(ILogger logger, Guid stockItemId, string action, string actor);
}
