namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// The production stack runs beside the Static tier, and its zero-failure windows have the cores alone
/// (<see cref="QuietCores"/>): a window waits for the neighbours' running commands, their next ones wait for it,
/// and the window's own collection goes on.
/// </summary>
[Tier(Tier.Static)]
public sealed class QuietCoresTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_window_opens_only_once_a_neighbours_running_command_has_ended()
    {
        var cores = new QuietCores(TimeSpan.FromMinutes(1));
        var neighbour = await cores.CommandAsync("static");

        var opening = cores.OpenAsync("stack", TestContext.Current.CancellationToken);
        await Task.Delay(Soon, TestContext.Current.CancellationToken);
        Assert.False(opening.IsCompleted, "the window opened while a neighbour's command ran");

        neighbour.Dispose();
        var (window, quiet, _) = await opening.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.True(quiet);
        await window.DisposeAsync();
    }

    [Fact]
    public async Task A_neighbours_next_command_waits_until_the_window_closes_while_the_owners_own_commands_go_on()
    {
        var cores = new QuietCores(TimeSpan.FromMinutes(1));
        var (window, quiet, _) = await cores.OpenAsync("stack", TestContext.Current.CancellationToken);
        Assert.True(quiet);

        var own = await cores.CommandAsync("stack").WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var neighbour = cores.CommandAsync("static");
        var unnamed = cores.CommandAsync(null);
        await Task.Delay(Soon, TestContext.Current.CancellationToken);
        Assert.False(neighbour.IsCompleted, "a neighbour's command started inside the window");
        Assert.False(unnamed.IsCompleted, "a command of no collection started inside the window");
        Assert.Equal(1, cores.Running);

        own.Dispose();
        await window.DisposeAsync();
        (await neighbour.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Dispose();
        (await unnamed.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Dispose();
        Assert.Equal(0, cores.Running);
    }

    [Fact]
    public async Task A_neighbours_command_that_outlives_the_longest_wait_lets_the_window_open_and_says_so()
    {
        var cores = new QuietCores(Soon);
        using var build = await cores.CommandAsync("builds");

        var (window, quiet, waited) = await cores.OpenAsync("stack", TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.False(quiet);
        // The runtime's timers may fire a few milliseconds early (they count in the system's ticks): half of the
        // wait tells a window that waited from one that did not.
        Assert.True(waited >= Soon / 2, $"opened after {waited}");
        await window.DisposeAsync();
    }

    [Fact]
    public async Task A_second_window_waits_for_the_first_to_close()
    {
        var cores = new QuietCores(TimeSpan.FromMinutes(1));
        var (first, _, _) = await cores.OpenAsync("stack", TestContext.Current.CancellationToken);

        var second = cores.OpenAsync("process", TestContext.Current.CancellationToken);
        await Task.Delay(Soon, TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted, "two windows were open at once");

        await first.DisposeAsync();
        await first.DisposeAsync();
        var (window, quiet, _) = await second.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.True(quiet);
        await window.DisposeAsync();
    }
}
