using System.Diagnostics;
using System.Net;
using Npgsql;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// SIGTERM in the middle of slow requests: the requests are slow because the test holds a lock on the
/// reviews table, so they wait in PostgreSQL the way real slow queries do; no test hook in the product.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class GracefulShutdownTests(RunningServiceFixture service)
{
    private const int InFlight = 20;
    private static readonly TimeSpan SlowFor = TimeSpan.FromSeconds(2.5);
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task On_sigterm_readiness_turns_503_requests_in_flight_finish_new_connections_are_refused_and_the_exit_is_0()
    {
        var (running, database) = await service.StartOnNewDatabaseAsync(service.WithoutMongo, settings: new Dictionary<string, string?>
        {
            ["Hosting__DrainDelay"] = "00:00:01",
        });
        await using var api = running;
        Assert.Equal(HttpStatusCode.OK, await api.StatusAsync("/health/ready"));

        await using var blocker = new NpgsqlConnection(service.Postgres.ConnectionString(database));
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE reviews IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var slow = Stopwatch.StartNew();
        using var clients = new HttpClient { BaseAddress = api.BaseAddress, Timeout = GracePeriod };
        clients.DefaultRequestHeaders.Authorization = service.Authorization;
        var requests = Enumerable.Range(0, InFlight).Select(_ => StatusOfAsync(clients, "/api/reviews")).ToList();
        await Poll.UntilAsync(async () => await service.Postgres.ScalarAsync(database,
            $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND wait_event_type = 'Lock'") == InFlight,
            TimeSpan.FromSeconds(10), $"{InFlight} requests waiting in PostgreSQL");

        var shutdown = Stopwatch.StartNew();
        await api.TerminateAsync();
        var notReady = await Poll.UntilAsync(async () => await api.StatusAsync("/health/ready") == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(1), "readiness 503 on SIGTERM");
        var refused = await Poll.UntilAsync(async () => await StatusOnANewConnectionAsync(api.BaseAddress) == 0,
            TimeSpan.FromSeconds(5), "new connections refused");
        Assert.False(api.HasExited, "the API exited before its requests in flight finished");

        await Task.Delay(SlowFor - slow.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        await transaction.CommitAsync();
        var statuses = await Task.WhenAll(requests);
        var exitCode = await api.ExitCodeAsync(GracePeriod);
        var exited = shutdown.Elapsed;

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(0, exitCode);
        Figures.Report($"SIGTERM with {InFlight} requests in flight: readiness 503 after {notReady.TotalMilliseconds:F0} ms, " +
            $"new connections refused after {refused.TotalMilliseconds:F0} ms, {statuses.Count(s => s == HttpStatusCode.OK)}/{InFlight} finished 200, " +
            $"exit 0 after {exited.TotalSeconds:F1} s (grace period {GracePeriod.TotalSeconds:F0} s)");
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>A request on a connection of its own, so a refused connect shows as 0.</summary>
    private static async Task<HttpStatusCode> StatusOnANewConnectionAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return await StatusOfAsync(client, "/health");
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }
}
