using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Polly;
using Polly.CircuitBreaker;

namespace TheReview.Backend.Api.Datastores.Mongo;

/// <summary>
/// MongoDB's circuit breaker, in agreement with readiness. It opens at the first call that finds MongoDB away
/// (each call would otherwise wait out server selection), and so does a failed readiness ping; a successful ping
/// closes it at once, and while it is open one call is let through every <see cref="MongoOptions.BreakDuration"/>
/// to find MongoDB back when nothing probes readiness. Open, calls fail at once with a BrokenCircuitException (503).
/// </summary>
public sealed class MongoCircuit
{
    private readonly CircuitBreakerManualControl control = new();
    private readonly CircuitBreakerStateProvider state = new();
    private readonly TimeProvider clock;
    private readonly TimeSpan breakDuration;
    private long openedAt;

    public MongoCircuit(IOptions<MongoOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        breakDuration = options.Value.BreakDuration;
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddStrategy(_ => new AgreeingStrategy(this), new AgreeingStrategyOptions())
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsOutage),
                ManualControl = control,
                StateProvider = state,
                BreakDuration = breakDuration,
            })
            .Build();
    }

    /// <summary>What every MongoDB call of a feature runs through.</summary>
    public ResiliencePipeline Pipeline { get; }

    public bool IsOpen => state.CircuitState != CircuitState.Closed;

    /// <summary>Whether an exception says MongoDB cannot be reached (server selection gives up with a plain TimeoutException).</summary>
    public static bool IsOutage(Exception exception) =>
        exception is MongoConnectionException || (exception is TimeoutException && exception.Source == "MongoDB.Driver");

    /// <summary>MongoDB is away: calls fail at once from now on.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref openedAt, clock.GetTimestamp());
        await control.IsolateAsync(cancellationToken);
    }

    /// <summary>MongoDB answers again: calls go through from now on.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (IsOpen)
        {
            await control.CloseAsync(cancellationToken);
        }
    }

    /// <summary>Opens the circuit at a call's outage, and lets a trial call through once the break has lasted.</summary>
    private sealed class AgreeingStrategy(MongoCircuit circuit) : ResilienceStrategy
    {
        protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
        {
            if (circuit.IsOpen && circuit.clock.GetElapsedTime(Interlocked.Read(ref circuit.openedAt)) >= circuit.breakDuration)
            {
                await circuit.CloseAsync(context.CancellationToken);
            }

            var outcome = await callback(context, state);
            if (outcome.Exception is { } exception && IsOutage(exception))
            {
                await circuit.OpenAsync(context.CancellationToken);
            }

            return outcome;
        }
    }

    private sealed class AgreeingStrategyOptions : ResilienceStrategyOptions;
}
