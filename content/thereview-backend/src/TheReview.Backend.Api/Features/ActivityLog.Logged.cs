namespace TheReview.Backend.Api.Features;

/// <summary>
/// The audit trail of one kind of record as one structured log event per change: this service has no document
/// store. With one, ActivityLog.Mongo.cs takes this file's place, with the same methods for writing.
/// </summary>
internal sealed partial class ActivityLog<TRecord>(ILogger<ActivityLog<TRecord>> logger)
{
    public Task RecordAsync(Guid recordId, Change change, string actor, CancellationToken cancellationToken)
    {
        LogActivity(logger, typeof(TRecord).Name, recordId, change, actor);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Record} {RecordId} {Change} by {Actor}")]
    private static partial void LogActivity(ILogger logger, string record, Guid recordId, Change change, string actor);
}

internal static class ActivityLogExtensions
{
    public static IServiceCollection AddActivityLog<TRecord>(this IServiceCollection services) => services.AddSingleton<ActivityLog<TRecord>>();
}
