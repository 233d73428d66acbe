using System.Diagnostics;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The machine's cores, shared by the collections that run side by side (the production stack beside the builds and
/// the Static tier). A zero-failure window, a load run across a rolling update, a rollback or a redeploy, has them
/// alone: it opens once the other collections' running commands have ended, and their next commands wait until it
/// closes.
/// The window's own collection goes on. So a lost request in such a spec is the stack's doing, never a neighbour's.
/// </summary>
public sealed class QuietCores(TimeSpan longestWait)
{
    private readonly Lock gate = new();
    private int running;
    private string? holder;
    private TaskCompletionSource? closed;
    private TaskCompletionSource? drained;

    /// <summary>The suite's: a command that runs longer than 3 minutes (a build) is not waited for.</summary>
    public static QuietCores Shared { get; } = new(TimeSpan.FromMinutes(3));

    /// <summary>The calling test's collection.</summary>
    public static string? CurrentCollection => TestContext.Current.TestCollection?.UniqueID;

    /// <summary>Commands that have started and not ended, the window's own included.</summary>
    public int Running
    {
        get
        {
            lock (gate)
            {
                return running;
            }
        }
    }

    /// <summary>Opens a window for <paramref name="owner"/>; dispose it to close it. Quiet is false when a neighbour's command outlived the wait.</summary>
    public async Task<(IAsyncDisposable Window, bool Quiet, TimeSpan Waited)> OpenAsync(string owner, CancellationToken cancellation = default)
    {
        Task others;
        while (true)
        {
            Task open;
            lock (gate)
            {
                if (closed is null)
                {
                    holder = owner;
                    closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (running == 0)
                    {
                        drained.SetResult();
                    }

                    others = drained.Task;
                    break;
                }

                open = closed.Task;
            }

            await open.WaitAsync(cancellation);
        }

        var clock = Stopwatch.StartNew();
        var quiet = await Task.WhenAny(others, Task.Delay(longestWait, cancellation)) == others;
        return (new Window(this), quiet, clock.Elapsed);
    }

    /// <summary>Waits while another owner's window is open, then counts the command as running until it is disposed.</summary>
    public async Task<IDisposable> CommandAsync(string? owner)
    {
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (closed is null || (owner is not null && owner == holder))
                {
                    running++;
                    return new Command(this);
                }

                wait = closed.Task;
            }

            await wait;
        }
    }

    private sealed class Command(QuietCores cores) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1)
            {
                return;
            }

            lock (cores.gate)
            {
                if (--cores.running == 0)
                {
                    cores.drained?.TrySetResult();
                }
            }
        }
    }

    private sealed class Window(QuietCores cores) : IAsyncDisposable
    {
        private int disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                lock (cores.gate)
                {
                    cores.closed!.SetResult();
                    (cores.holder, cores.closed, cores.drained) = (null, null, null);
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
