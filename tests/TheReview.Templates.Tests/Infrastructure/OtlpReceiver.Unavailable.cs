namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// Built instead of the trace collector where the OTLP definitions (Debian's opentelemetry-proto) are missing:
/// the specs that need a collector report it unavailable (a failure in CI, where .ci/run installs them).
/// </summary>
public sealed class OtlpReceiver
{
    public static bool IsAvailable => false;

    public static Task<OtlpReceiver> Shared => throw new InvalidOperationException("opentelemetry-proto is not installed");

    public string Endpoint => throw new InvalidOperationException("opentelemetry-proto is not installed");

    public IReadOnlyList<ReceivedSpan> Spans => throw new InvalidOperationException("opentelemetry-proto is not installed");
}
