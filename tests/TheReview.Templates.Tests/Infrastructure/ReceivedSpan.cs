namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>One span as a collector received it: the service, the instrumentation scope, the name, the kind and the trace.</summary>
public sealed record ReceivedSpan(string Service, string Scope, string Name, string Kind, string TraceId);
