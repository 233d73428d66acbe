using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set, requests are traced in the caller's trace (TracingTests.Redis.cs follows a
/// read of the sample through its datastores). The spans are taken in memory beside the OTLP exporter, whose
/// collector here is absent. Sampling follows the caller's decision, and records one in ten of the traces that
/// start here unless OTEL_TRACES_SAMPLER says otherwise.
/// </summary>
[Collection(nameof(TracingTests))]
public sealed partial class TracingTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    // Listeners see every host of the process: other tests' requests are told apart by this test's own path (a 404).
    private readonly string path = $"/trace-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_callers_decision_not_to_sample_is_kept_and_one_new_trace_in_ten_is_recorded()
    {
        var spans = new Spans();
        await using var api = Traced(spans);
        using var client = api.CreateClient();
        const int Requests = 300;
        for (var i = 0; i < Requests; i++)
        {
            using var unsampled = new HttpRequestMessage(HttpMethod.Get, path);
            unsampled.Headers.Add("traceparent", $"00-{TraceId}-b7ad6b7169203331-00");
            (await client.SendAsync(unsampled, TestContext.Current.CancellationToken)).Dispose();
            (await client.GetAsync(path, TestContext.Current.CancellationToken)).Dispose();
        }

        var servers = spans.Snapshot().Where(IsThisTestsRequest).ToList();
        Assert.Empty(InTrace(servers));
        // One in ten of 300 new traces: 30 expected; outside 5..75 happens less than once in a million runs.
        Assert.InRange(servers.Count, 5, 75);
    }

    [Fact]
    public async Task OTEL_TRACES_SAMPLER_overrides_the_default_ratio()
    {
        var spans = new Spans();
        await using var api = Traced(spans, web => web.UseSetting(TracingExtensions.SamplerVariable, "always_on"));
        using var client = api.CreateClient();

        for (var i = 0; i < 20; i++)
        {
            (await client.GetAsync(path, TestContext.Current.CancellationToken)).Dispose();
        }

        // A server span ends just after its answer has gone: the client can count before the last one arrives.
        await WaitUntilAsync(() => spans.Snapshot().Count(IsThisTestsRequest) >= 20, TimeSpan.FromSeconds(5));

        Assert.Equal(20, spans.Snapshot().Count(IsThisTestsRequest));
    }

    private TracedApi Traced(Spans spans, Action<IWebHostBuilder>? configure = null)
    {
        var probe = new ActivitySource($"TracingTests.{Guid.NewGuid():N}");
        var api = service.WithWebHostBuilder(web =>
        {
            web.UseSetting(TracingExtensions.EndpointVariable, "http://127.0.0.1:9")
                .ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing =>
                    tracing.AddInMemoryExporter(spans).AddSource(probe.Name)));
            configure?.Invoke(web);
        });
        return new TracedApi(api, probe);
    }

    /// <summary>
    /// A host with tracing. Its tracer provider samples for every host of the process while it lives, and a
    /// minimal-hosting app is disposed on its own thread after the factory's disposal returns: an always_on
    /// provider was seen recording the next test's unsampled requests. Disposal waits until the provider has
    /// stopped listening, told by a source that only it listens to.
    /// </summary>
    private sealed class TracedApi(WebApplicationFactory<Program> api, ActivitySource probe) : IAsyncDisposable
    {
        public HttpClient CreateClient() => api.CreateClient();

        public async ValueTask DisposeAsync()
        {
            await api.DisposeAsync();
            await WaitUntilAsync(() => !probe.HasListeners(), TimeSpan.FromSeconds(10));
            Assert.False(probe.HasListeners(), "The traced host's tracer provider was still listening 10 s after its disposal.");
            probe.Dispose();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static List<Activity> InTrace(IEnumerable<Activity> spans) =>
        [.. spans.Where(span => span.TraceId.ToHexString() == TraceId)];

    private bool IsThisTestsRequest(Activity span) =>
        span.Kind == ActivityKind.Server && span.GetTagItem("url.path") as string == path;

    /// <summary>
    /// The exporter adds spans on the threads that end them while the test reads: both sides take the same lock
    /// (the exporter's own lock is not ours, and a List read during an Add throws).
    /// </summary>
    private sealed class Spans : Collection<Activity>
    {
        private readonly Lock gate = new();

        public List<Activity> Snapshot()
        {
            lock (gate)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (gate)
            {
                base.InsertItem(index, item);
            }
        }
    }
}

/// <summary>
/// ActivitySource listeners are the process's: with other classes' hosts running beside them, a request that this
/// test's sampler drops was seen recorded (one in 300, in half the runs). The tracing specs run alone.
/// </summary>
[CollectionDefinition(nameof(TracingTests), DisableParallelization = true)]
public sealed class ProcessWideListeners;
