using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Compact;

namespace TheReview.Backend.Api.Hosting;

/// <summary>The logger that exists before the host does, so a failed start-up still says why in one line.</summary>
internal static class StartupLog
{
    // A plain logger, not a reloadable one: hosts replace it, and several hosts may run in one test process.
    public static Serilog.ILogger Create() =>
        new LoggerConfiguration()
            .WriteTo.Console(new RenderedCompactJsonFormatter())
            .CreateLogger();

    public static void Fatal(Exception exception)
    {
        // Configuration mistakes are the operator's to fix: name the setting, skip the stack trace.
        if (exception is OptionsValidationException or InvalidOperationException { InnerException: null or FormatException } or FormatException or UriFormatException)
        {
            Log.Fatal("Start-up failed: {Reason}", exception.Message);
        }
        else
        {
            Log.Fatal(exception, "Start-up failed: {Reason}", exception.Message);
        }
    }
}
