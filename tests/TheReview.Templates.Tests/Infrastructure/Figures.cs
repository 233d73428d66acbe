namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// Measured figures (recovery times, request counts, latencies) reported by the tests. They go to the
/// test's diagnostics and to the file named by THEREVIEW_FIGURES, which tests/run prints after the run.
/// </summary>
public static class Figures
{
    private static readonly object Gate = new();

    public static void Report(string figure)
    {
        var line = $"{TestContext.Current.Test?.TestDisplayName ?? "?"}: {figure}";
        TestContext.Current.SendDiagnosticMessage(line);
        if (Environment.GetEnvironmentVariable("THEREVIEW_FIGURES") is { Length: > 0 } file)
        {
            lock (Gate)
            {
                File.AppendAllText(file, line + Environment.NewLine);
            }
        }
    }
}
