using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// A trace collector for the tests: the OTLP gRPC trace service (compiled from the OpenTelemetry project's own
/// .proto files), keeping every span it receives. One per test run, on the host's own address for containers.
/// </summary>
public sealed class OtlpReceiver : TraceService.TraceServiceBase
{
    private static readonly Lazy<Task<OtlpReceiver>> SharedReceiver = new(StartAsync);
    private readonly ConcurrentQueue<ReceivedSpan> spans = new();

    private OtlpReceiver(string endpoint) => Endpoint = endpoint;

    /// <summary>What OTEL_EXPORTER_OTLP_ENDPOINT names (gRPC without TLS).</summary>
    public string Endpoint { get; }

    /// <summary>Whether the collector runs (it does wherever the OTLP definitions were there to build it).</summary>
    public static bool IsAvailable => true;

    public static Task<OtlpReceiver> Shared => SharedReceiver.Value;

    public IReadOnlyList<ReceivedSpan> Spans => [.. spans];

    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value.StringValue ?? "";
            foreach (var scope in resource.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    spans.Enqueue(new ReceivedSpan(service, scope.Scope?.Name ?? "", span.Name, span.Kind.ToString(), Convert.ToHexStringLower(span.TraceId.Span)));
                }
            }
        }

        return Task.FromResult(new ExportTraceServiceResponse());
    }

    private static async Task<OtlpReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var receiver = new OtlpReceiver($"http://{DockerHost.HostAddress()}:{port}");
        var builder = WebApplication.CreateSlimBuilder();
        // gRPC without TLS needs HTTP/2 alone on the port (no protocol negotiation without TLS).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(receiver);
        var server = builder.Build();
        server.MapGrpcService<OtlpReceiver>();
        // Runs until the test process ends, like the tests' identity provider.
        await server.StartAsync();
        return receiver;
    }
}
