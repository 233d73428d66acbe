using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Polly.CircuitBreaker;

namespace TheReview.Backend.Api.Datastores.Mongo;

/// <summary>
/// MongoDB: one client for the process, the database named in the connection string, a ping readiness check,
/// and a circuit breaker, so an outage costs one server-selection wait, not one per request.
/// </summary>
internal static class MongoExtensions
{
    public const string Name = "Mongo";
    private const string DefaultDatabase = "thereview_backend";

    public static WebApplicationBuilder AddMongo(this WebApplicationBuilder builder)
    {
        builder.Services.AddDatastoreOptions<MongoOptions>(Name, options => options.BuildSettings());
        builder.Services.AddSingleton<IMongoClient>(services =>
            new MongoClient(services.GetRequiredService<IOptions<MongoOptions>>().Value.BuildSettings()));
        builder.Services.AddSingleton(services =>
        {
            var databaseName = new MongoUrl(services.GetRequiredService<IOptions<MongoOptions>>().Value.ConnectionString).DatabaseName;
            return services.GetRequiredService<IMongoClient>().GetDatabase(databaseName ?? DefaultDatabase);
        });

        // Once MongoDB stops answering, calls fail at once (503 for reads) until readiness or a trial call finds it back.
        builder.Services.AddSingleton<MongoCircuit>();
        builder.Services.AddKeyedSingleton(Name, (services, _) => services.GetRequiredService<MongoCircuit>().Pipeline);
        builder.Services.AddDatastoreOutage("MongoDB", exception =>
            exception is BrokenCircuitException || MongoCircuit.IsOutage(exception));

        builder.Services.AddHealthChecks().AddCheck<MongoHealthCheck>(
            "mongo",
            tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>Settings of the MongoDB connection.</summary>
public sealed class MongoOptions : DatastoreOptions
{
    /// <summary>
    /// How long calls fail at once after MongoDB stopped answering, before one is tried again (a successful
    /// readiness ping lets them through sooner).
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    public MongoClientSettings BuildSettings()
    {
        var url = new MongoUrlBuilder(ConnectionString);
        if (!string.IsNullOrEmpty(Password))
        {
            url.Password = Password;
        }

        // Fail fast when the server is away (readiness reports it, requests do not hang), unless the URL says otherwise.
        if (url.ServerSelectionTimeout == MongoDefaults.ServerSelectionTimeout)
        {
            url.ServerSelectionTimeout = TimeSpan.FromSeconds(2);
        }

        if (url.ConnectTimeout == MongoDefaults.ConnectTimeout)
        {
            url.ConnectTimeout = TimeSpan.FromSeconds(2);
        }

        return MongoClientSettings.FromUrl(url.ToMongoUrl());
    }
}

/// <summary>Readiness of MongoDB: a <c>ping</c> to the configured database, whose answer the circuit follows.</summary>
internal sealed class MongoHealthCheck(IMongoDatabase database, MongoCircuit circuit) : IHealthCheck
{
    private static readonly BsonDocument Ping = new("ping", 1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.RunCommandAsync<BsonDocument>(Ping, cancellationToken: cancellationToken);
            await circuit.CloseAsync(cancellationToken);
            return HealthCheckResult.Healthy("MongoDB answers ping.");
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException)
        {
            if (MongoCircuit.IsOutage(exception))
            {
                await circuit.OpenAsync(cancellationToken);
            }

            return new HealthCheckResult(context.Registration.FailureStatus, "MongoDB does not answer ping.", exception);
        }
    }
}
