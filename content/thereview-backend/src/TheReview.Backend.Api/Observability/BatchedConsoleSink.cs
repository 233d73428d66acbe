using System.Globalization;
using System.Text;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace TheReview.Backend.Api.Observability;

/// <summary>
/// Log events to standard output a batch at a time, through Serilog's own batching: one write per batch instead
/// of one per event (a line per request was a write per request, and Docker's log driver handled each one apart;
/// docs/architecture.md has the figures). Closing the logger, as the host does when it stops, writes the rest.
/// </summary>
internal sealed class BatchedConsoleSink(ITextFormatter formatter) : IBatchedLogEventSink, IDisposable
{
    /// <summary>How late a line may be: the longest that events wait for the rest of their batch.</summary>
    public static readonly BatchingOptions Batching = new()
    {
        BufferingTimeLimit = TimeSpan.FromMilliseconds(500),
        BatchSizeLimit = 1000,
        // Beyond this many events waiting, new ones are dropped: a flood of logs must not take the memory.
        QueueLimit = 100_000,
    };

    private readonly Stream output = Console.OpenStandardOutput();
    private readonly StringWriter lines = new(CultureInfo.InvariantCulture);

    public async Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        lines.GetStringBuilder().Clear();
        foreach (var logEvent in batch)
        {
            formatter.Format(logEvent, lines);
        }

        await output.WriteAsync(Encoding.UTF8.GetBytes(lines.ToString()));
        await output.FlushAsync();
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    // Standard output stays open: it is the process's, and other writers (the start-up logger) share it.
    public void Dispose() => lines.Dispose();
}
