using System.Diagnostics;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>Waits for a condition with a bound on time; reports how long it took.</summary>
public static class Poll
{
    public static Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        UntilAsync(condition, timeout, () => what);

    /// <summary>As above; the description is made when the time is up, so it can say what was seen last.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what()} did not happen within {timeout.TotalSeconds} s.");
    }
}
