using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Polly;
using Polly.CircuitBreaker;

namespace TheReview.Backend.Api.Features;

/// <summary>One change of one record and who made it, as stored in MongoDB and returned by the API.</summary>
public sealed record ActivityEntry(
    [property: BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] Guid Id,
    [property: BsonGuidRepresentation(GuidRepresentation.Standard)] Guid RecordId,
    [property: BsonRepresentation(BsonType.String)] Change Action,
    string Actor,
    DateTimeOffset At);

/// <summary>
/// The audit trail of one kind of record, in its own MongoDB collection (<c>review_activity</c> for
/// <c>Review</c>), behind MongoDB's circuit breaker. Recording is best effort: a failure is logged and the change
/// it describes stands. Reading fails at once (503) while MongoDB is away.
/// </summary>
internal sealed partial class ActivityLog<TRecord>(
    IMongoDatabase database,
    [FromKeyedServices(MongoExtensions.Name)] ResiliencePipeline circuit,
    TimeProvider clock,
    ILogger<ActivityLog<TRecord>> logger)
{
    public static readonly string CollectionName = Regex.Replace(typeof(TRecord).Name, "(?<=[a-z0-9])(?=[A-Z])", "_").ToLowerInvariant() + "_activity";

    public IMongoCollection<ActivityEntry> Collection => database.GetCollection<ActivityEntry>(CollectionName);

    public async Task RecordAsync(Guid recordId, Change change, string actor, CancellationToken cancellationToken)
    {
        try
        {
            await circuit.ExecuteAsync(
                async token => await Collection.InsertOneAsync(new ActivityEntry(Guid.CreateVersion7(), recordId, change, actor, clock.GetUtcNow()), cancellationToken: token),
                cancellationToken);
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException or BrokenCircuitException)
        {
            LogRecordFailure(logger, change, typeof(TRecord).Name, recordId, exception);
        }
    }

    public async Task<IReadOnlyList<ActivityEntry>> ListAsync(Guid recordId, CancellationToken cancellationToken) =>
        await circuit.ExecuteAsync(
            async token => (IReadOnlyList<ActivityEntry>)await Collection.Find(a => a.RecordId == recordId).SortBy(a => a.At).ToListAsync(token),
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record that {Record} {RecordId} was {Change}")]
    private static partial void LogRecordFailure(ILogger logger, Change change, string record, Guid recordId, Exception exception);
}

/// <summary>
/// The index that the activity reads need (record, then time), created at start-up. Creating an index that exists
/// is a no-op, so every replica may do it; while MongoDB is away it tries again, without holding start-up.
/// </summary>
internal sealed partial class ActivityIndex<TRecord>(ActivityLog<TRecord> activity, ILogger<ActivityIndex<TRecord>> logger) : BackgroundService
{
    public const string Name = "record_id_at";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var index = new CreateIndexModel<ActivityEntry>(
            Builders<ActivityEntry>.IndexKeys.Ascending(a => a.RecordId).Ascending(a => a.At), new CreateIndexOptions { Name = Name });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await activity.Collection.Indexes.CreateOneAsync(index, cancellationToken: stoppingToken);
                LogCreated(logger, ActivityLog<TRecord>.CollectionName);
                return;
            }
            catch (Exception exception) when (exception is MongoException or TimeoutException)
            {
                LogRetry(logger, ActivityLog<TRecord>.CollectionName, RetryDelay, exception.Message);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index " + Name + " of {Collection} is in place")]
    private static partial void LogCreated(ILogger logger, string collection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create the index of {Collection} ({Reason}); trying again in {Delay}")]
    private static partial void LogRetry(ILogger logger, string collection, TimeSpan delay, string reason);
}

internal static class ActivityLogExtensions
{
    public static IServiceCollection AddActivityLog<TRecord>(this IServiceCollection services)
    {
        services.AddSingleton<ActivityLog<TRecord>>();
        services.AddHostedService<ActivityIndex<TRecord>>();
        return services;
    }

    /// <summary><c>GET {group}/{id}/activity</c>: a record's changes, oldest first.</summary>
    public static RouteHandlerBuilder MapActivity<TRecord>(this RouteGroupBuilder group, string endpointName) =>
        group.MapGet("/{id}/activity", async Task<Ok<IReadOnlyList<ActivityEntry>>> (Guid id, ActivityLog<TRecord> activity, CancellationToken cancellationToken) =>
            TypedResults.Ok(await activity.ListAsync(id, cancellationToken)))
            .WithName(endpointName)
            .WithSummary("Lists a record's changes, oldest first.")
            .WithDescription("What happened to the record with this id, who did it and when; empty when nothing is recorded.");
}
