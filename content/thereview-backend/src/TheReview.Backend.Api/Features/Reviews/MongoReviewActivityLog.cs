using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Polly;
using Polly.CircuitBreaker;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>One entry of the activity log, as stored in MongoDB and returned by the API.</summary>
public sealed record ReviewActivity(
    [property: BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] Guid Id,
    [property: BsonGuidRepresentation(GuidRepresentation.Standard)] Guid ReviewId,
    [property: BsonRepresentation(BsonType.String)] ReviewAction Action,
    string Actor,
    DateTimeOffset At);

/// <summary>
/// The activity log in the MongoDB collection <c>review_activity</c>, behind MongoDB's circuit breaker: while
/// MongoDB is away, writes are logged and skipped at once, and reads fail at once (503).
/// </summary>
internal sealed partial class MongoReviewActivityLog(
    IMongoDatabase database,
    [FromKeyedServices(MongoExtensions.Name)] ResiliencePipeline circuit,
    TimeProvider clock,
    ILogger<MongoReviewActivityLog> logger)
    : IReviewActivityLog
{
    public const string CollectionName = "review_activity";

    public IMongoCollection<ReviewActivity> Collection => database.GetCollection<ReviewActivity>(CollectionName);

    public async Task RecordAsync(Guid reviewId, ReviewAction action, string actor, CancellationToken cancellationToken)
    {
        try
        {
            await circuit.ExecuteAsync(
                async token => await Collection.InsertOneAsync(
                    new ReviewActivity(Guid.CreateVersion7(), reviewId, action, actor, clock.GetUtcNow()), cancellationToken: token),
                cancellationToken);
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException or BrokenCircuitException)
        {
            LogRecordFailure(logger, action, reviewId, exception);
        }
    }

    public async Task<IReadOnlyList<ReviewActivity>> ListAsync(Guid reviewId, CancellationToken cancellationToken) =>
        await circuit.ExecuteAsync(
            async token => (IReadOnlyList<ReviewActivity>)await Collection.Find(a => a.ReviewId == reviewId).SortBy(a => a.At).ToListAsync(token),
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record {Action} of review {ReviewId} in the activity log")]
    private static partial void LogRecordFailure(ILogger logger, ReviewAction action, Guid reviewId, Exception exception);
}
