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

    private static readonly string? ConfigurationBinder = typeof(ConfigurationBinder).Assembly.GetName().Name;

    public static void Fatal(Exception exception)
    {
        if (IsConfigurationMistake(exception))
        {
            Log.Fatal("Start-up failed: {Reason}", exception.Message);
        }
        else
        {
            Log.Fatal(exception, "Start-up failed: {Reason}", exception.Message);
        }
    }

    /// <summary>
    /// The operator's mistakes, whose message names the setting: ours, failed options validation, and a value the
    /// configuration binder cannot convert. Everything else is a bug and is logged with its stack trace.
    /// </summary>
    public static bool IsConfigurationMistake(Exception exception) =>
        exception is InvalidSettingException or OptionsValidationException
        || (exception is InvalidOperationException && exception.Source == ConfigurationBinder);
}
