using MongoDB.Driver;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>
/// The index that the activity reads need (review id, then time), created at start-up. Creating an index that
/// exists is a no-op, so every replica may do it; while MongoDB is away it tries again, without holding start-up.
/// </summary>
internal sealed partial class ReviewActivityIndex(MongoReviewActivityLog activity, ILogger<ReviewActivityIndex> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var index = new CreateIndexModel<ReviewActivity>(
            Builders<ReviewActivity>.IndexKeys.Ascending(a => a.ReviewId).Ascending(a => a.At),
            new CreateIndexOptions { Name = "review_id_at" });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await activity.Collection.Indexes.CreateOneAsync(index, cancellationToken: stoppingToken);
                LogCreated(logger, MongoReviewActivityLog.CollectionName);
                return;
            }
            catch (Exception exception) when (exception is MongoException or TimeoutException)
            {
                LogRetry(logger, MongoReviewActivityLog.CollectionName, RetryDelay, exception.Message);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index review_id_at of {Collection} is in place")]
    private static partial void LogCreated(ILogger logger, string collection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create the index of {Collection} ({Reason}); trying again in {Delay}")]
    private static partial void LogRetry(ILogger logger, string collection, TimeSpan delay, string reason);
}
