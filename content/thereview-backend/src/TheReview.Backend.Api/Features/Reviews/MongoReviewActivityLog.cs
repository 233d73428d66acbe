using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>One entry of the activity log, as stored in MongoDB and returned by the API.</summary>
public sealed record ReviewActivity(
    [property: BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] Guid Id,
    [property: BsonGuidRepresentation(GuidRepresentation.Standard)] Guid ReviewId,
    [property: BsonRepresentation(BsonType.String)] ReviewAction Action,
    DateTimeOffset At);

/// <summary>The activity log in the MongoDB collection <c>review_activity</c>.</summary>
internal sealed partial class MongoReviewActivityLog(IMongoDatabase database, TimeProvider clock, ILogger<MongoReviewActivityLog> logger)
    : IReviewActivityLog
{
    public const string CollectionName = "review_activity";

    private IMongoCollection<ReviewActivity> Collection => database.GetCollection<ReviewActivity>(CollectionName);

    public async Task RecordAsync(Guid reviewId, ReviewAction action, CancellationToken cancellationToken)
    {
        try
        {
            await Collection.InsertOneAsync(
                new ReviewActivity(Guid.CreateVersion7(), reviewId, action, clock.GetUtcNow()),
                cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException)
        {
            LogRecordFailure(logger, action, reviewId, exception);
        }
    }

    public async Task<IReadOnlyList<ReviewActivity>> ListAsync(Guid reviewId, CancellationToken cancellationToken) =>
        await Collection.Find(a => a.ReviewId == reviewId).SortBy(a => a.At).ToListAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record {Action} of review {ReviewId} in the activity log")]
    private static partial void LogRecordFailure(ILogger logger, ReviewAction action, Guid reviewId, Exception exception);
}
