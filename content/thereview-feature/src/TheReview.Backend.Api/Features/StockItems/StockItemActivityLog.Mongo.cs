using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Polly;
using Polly.CircuitBreaker;

namespace TheReview.Backend.Api.Features.StockItems;

/// <summary>One change of one stock item and who made it, as stored in MongoDB.</summary>
public sealed record StockItemActivity(
    [property: BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] Guid Id,
    [property: BsonGuidRepresentation(GuidRepresentation.Standard)] Guid StockItemId,
    string Action,
    string Actor,
    DateTimeOffset At);

/// <summary>
/// The changes of stock items in the MongoDB collection <c>stock_item_activity</c>, behind MongoDB's circuit
/// breaker. Recording is best effort: a failure is logged, the change it describes stands.
/// </summary>
internal sealed partial class StockItemActivityLog(
    IMongoDatabase database,
    [FromKeyedServices(MongoExtensions.Name)] ResiliencePipeline circuit,
    TimeProvider clock,
    ILogger<StockItemActivityLog> logger)
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    public const string CollectionName = "stock_item_activity";

    public IMongoCollection<StockItemActivity> Collection => database.GetCollection<StockItemActivity>(CollectionName);

    public async Task RecordAsync(Guid id, string action, string actor, CancellationToken cancellationToken)
    {
        try
        {
            await circuit.ExecuteAsync(
                async token => await Collection.InsertOneAsync(new StockItemActivity(Guid.CreateVersion7(), id, action, actor, clock.GetUtcNow()), cancellationToken: token),
                cancellationToken);
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException or BrokenCircuitException)
        {
            LogRecordFailure(logger, action, id, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record that stock item {StockItemId} was {Action}")]
    private static partial void LogRecordFailure(ILogger logger, string action, Guid stockItemId, Exception exception);
}
