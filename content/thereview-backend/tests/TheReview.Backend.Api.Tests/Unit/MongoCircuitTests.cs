using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using Polly.CircuitBreaker;

namespace TheReview.Backend.Api.Tests.Unit;

/// <summary>
/// MongoDB's circuit and readiness agree. MongoDB being away is real here: the driver talks to a port nobody
/// listens on (it refuses), and its server selection gives up as it does when MongoDB stops.
/// </summary>
public sealed class MongoCircuitTests
{
    private static readonly BsonDocument Ping = new("ping", 1);
    private readonly ManualClock clock = new();
    private readonly MongoCircuit circuit;

    public MongoCircuitTests() =>
        circuit = new MongoCircuit(Options.Create(new MongoOptions { BreakDuration = TimeSpan.FromSeconds(5) }), clock);

    [Fact]
    public async Task The_first_call_that_finds_mongo_away_opens_the_circuit_so_the_next_fails_at_once()
    {
        var database = Unreachable();
        var calls = 0;

        await Assert.ThrowsAsync<TimeoutException>(async () => await circuit.Pipeline.ExecuteAsync(async token =>
        {
            calls++;
            await database.RunCommandAsync<BsonDocument>(Ping, cancellationToken: token);
        }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAnyAsync<BrokenCircuitException>(async () => await circuit.Pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return ValueTask.CompletedTask;
        }, TestContext.Current.CancellationToken));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_failed_readiness_ping_opens_the_circuit_and_a_successful_one_closes_it_at_once()
    {
        var check = new MongoHealthCheck(Unreachable(), circuit);

        var result = await check.CheckHealthAsync(ContextOf(check), TestContext.Current.CancellationToken);
        var openAfterFailure = circuit.IsOpen;
        await circuit.CloseAsync(TestContext.Current.CancellationToken); // what the check does when the ping answers

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.True(openAfterFailure, "the circuit stayed closed after readiness found MongoDB away");
        Assert.False(circuit.IsOpen);
        await circuit.Pipeline.ExecuteAsync(_ => ValueTask.CompletedTask, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task While_open_a_trial_call_goes_through_once_the_break_has_lasted()
    {
        await circuit.OpenAsync(TestContext.Current.CancellationToken);
        var calls = 0;
        ValueTask Call(CancellationToken token)
        {
            calls++;
            return ValueTask.CompletedTask;
        }

        clock.Advance(TimeSpan.FromSeconds(4));
        await Assert.ThrowsAnyAsync<BrokenCircuitException>(async () => await circuit.Pipeline.ExecuteAsync(Call, TestContext.Current.CancellationToken));
        clock.Advance(TimeSpan.FromSeconds(1));
        await circuit.Pipeline.ExecuteAsync(Call, TestContext.Current.CancellationToken);

        Assert.Equal(1, calls);
        Assert.False(circuit.IsOpen);
    }

    private static IMongoDatabase Unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new MongoClient($"mongodb://127.0.0.1:{port}/?serverSelectionTimeoutMS=300&connectTimeoutMS=300").GetDatabase("unreachable");
    }

    private static HealthCheckContext ContextOf(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration("mongo", check, HealthStatus.Unhealthy, null) };

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long ticks = DateTimeOffset.UtcNow.UtcTicks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref ticks);

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
    }
}
