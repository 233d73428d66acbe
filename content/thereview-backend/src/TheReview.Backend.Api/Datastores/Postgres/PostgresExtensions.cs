using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Trace;

namespace TheReview.Backend.Api.Datastores.Postgres;

/// <summary>PostgreSQL through EF Core (Npgsql), with its readiness check and the migration command.</summary>
internal static partial class PostgresExtensions
{
    public const string Name = "Postgres";

    public static WebApplicationBuilder AddPostgres(this WebApplicationBuilder builder)
    {
        builder.Services.AddDatastoreOptions<PostgresOptions>(Name, options => options.BuildConnectionString());
        // Pooled: the options (and the connection string) are built once, and a request rents a context instead of
        // building one. A cached read binds the context too, before its filter answers from Redis.
        builder.Services.AddDbContextPool<AppDbContext>((services, options) =>
            options.UseNpgsql(
                services.GetRequiredService<IOptions<PostgresOptions>>().Value.BuildConnectionString(),
                // A blip is retried; an outage is answered (503) within about three seconds instead of EF's default 30.
                npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(1), errorCodesToAdd: null)));
        // A server that cannot be reached, or is shutting down or starting up, is an outage (503), not a bug (500).
        builder.Services.AddDatastoreOutage("PostgreSQL", exception => exception is NpgsqlException { IsTransient: true });

        builder.Services.AddHealthChecks().AddNpgSql(
            services => services.GetRequiredService<IOptions<PostgresOptions>>().Value.BuildConnectionString(),
            name: "postgres",
            tags: [HealthTags.Ready])
            .AddCheck<PendingMigrationsHealthCheck>(
                "postgres-migrations",
                tags: [HealthTags.Ready]);
        builder.Services.AddSingleton<PendingMigrationsHealthCheck>();
        builder.Services.AddHostedService<MigrateOnStartup>();
        // A span per command, when tracing is on (Observability/TracingExtensions).
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddNpgsql());
        return builder;
    }

    /// <summary>Applies pending EF Core migrations; the <c>migrate</c> command and the tests call it.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AppDbContext>().Database;
        // Npgsql reads the history table before creating it and logs the failure as an Error on every fresh
        // database; creating the database (as Migrate would) and the table first keeps a first deploy error-free.
        // Inside the execution strategy, as Migrate runs: a server still starting is retried, not a failed job.
        await database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            var creator = database.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(token))
            {
                await creator.CreateAsync(token);
            }

            await database.GetService<IHistoryRepository>().CreateIfNotExistsAsync(token);
        }, cancellationToken);
        var pending = (await database.GetPendingMigrationsAsync(cancellationToken)).Count();
        await database.MigrateAsync(cancellationToken);
        // The job's one line: what the deploy changed, and where the schema stands.
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PostgresExtensions).FullName!);
        var current = (await database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault() ?? "none";
        LogMigrated(logger, pending, current);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrations applied: {Applied}; the database is at {Migration}")]
    private static partial void LogMigrated(ILogger logger, int applied, string migration);
}

/// <summary>Settings of the PostgreSQL connection.</summary>
public sealed class PostgresOptions : DatastoreOptions
{
    /// <summary>
    /// Apply migrations before serving (<c>Postgres:MigrateOnStartup</c>): on in Development, so a fresh
    /// database ends ready; off in production, where the migration job runs once before any replica.
    /// </summary>
    public bool MigrateOnStartup { get; set; }

    public string BuildConnectionString()
    {
        var connection = new NpgsqlConnectionStringBuilder(ConnectionString);
        if (!string.IsNullOrEmpty(Password))
        {
            connection.Password = Password;
        }

        // The chiseled runtime has no Kerberos library: unless GSS encryption is asked for, Npgsql would try it
        // and the runtime would print "Cannot load library libgssapi_krb5.so.2" on every start.
        var given = new DbConnectionStringBuilder { ConnectionString = ConnectionString }.Keys.Cast<string>();
        if (!given.Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals(nameof(GssEncryptionMode), StringComparison.OrdinalIgnoreCase)))
        {
            connection.GssEncryptionMode = GssEncryptionMode.Disable;
        }

        return connection.ConnectionString;
    }
}

/// <summary>
/// Not ready until the migration job has brought the schema up to date, so no replica serves an old schema.
/// Migrations never go away while the process runs, so once current it stops asking the database.
/// </summary>
internal sealed class PendingMigrationsHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    private volatile bool schemaCurrent;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (schemaCurrent)
        {
            return HealthCheckResult.Healthy("The schema is current.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var pending = (await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        schemaCurrent = pending == 0;
        return schemaCurrent
            ? HealthCheckResult.Healthy("The schema is current.")
            : new HealthCheckResult(context.Registration.FailureStatus, $"{pending} migrations are pending; run the migrate command.");
    }
}

/// <summary>Runs the migrations before the API serves when <see cref="PostgresOptions.MigrateOnStartup"/> is on.</summary>
internal sealed class MigrateOnStartup(IServiceProvider services, IOptions<PostgresOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.MigrateOnStartup ? services.MigrateDatabaseAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
