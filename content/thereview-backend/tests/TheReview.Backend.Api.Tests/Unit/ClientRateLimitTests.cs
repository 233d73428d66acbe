using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace TheReview.Backend.Api.Tests.Unit;

public sealed class ClientRateLimitTests
{
    private const int PermitsPerSecond = 4;
    private const int Burst = 10;

    private readonly FakeTimeProvider clock = new();
    private readonly ClientRateLimit limit;

    public ClientRateLimitTests() =>
        limit = new ClientRateLimit(Options.Create(new RateLimitOptions { PermitsPerSecond = PermitsPerSecond, Burst = Burst }), clock);

    [Fact]
    public void A_client_gets_its_burst_at_once_then_waits_for_the_next_token()
    {
        var taken = Enumerable.Range(0, Burst).Count(request => limit.TryTake("192.0.2.1", out _));

        Assert.Equal(Burst, taken);
        Assert.False(limit.TryTake("192.0.2.1", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1.0 / PermitsPerSecond), retryAfter);
    }

    [Fact]
    public void Tokens_come_back_at_the_permitted_rate_and_never_beyond_the_burst()
    {
        Drain("192.0.2.1");

        clock.Advance(TimeSpan.FromSeconds(1));
        var afterOneSecond = Drain("192.0.2.1");
        clock.Advance(TimeSpan.FromMinutes(5));
        var afterALongPause = Drain("192.0.2.1");

        Assert.Equal(PermitsPerSecond, afterOneSecond);
        Assert.Equal(Burst, afterALongPause);
    }

    [Fact]
    public void Each_client_has_its_own_bucket()
    {
        Drain("192.0.2.1");

        Assert.True(limit.TryTake("203.0.113.8", out _));
        Assert.False(limit.TryTake("192.0.2.1", out _));
    }

    [Fact]
    public void A_bucket_that_filled_up_again_is_dropped_and_its_client_still_gets_the_whole_burst()
    {
        Drain("192.0.2.1");
        Assert.True(limit.TryTake("203.0.113.8", out _));

        // Past the time to fill a bucket and the sweep interval; the next request sweeps.
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(limit.TryTake("198.51.100.7", out _));

        Assert.Equal(1, limit.Clients);
        Assert.Equal(Burst, Drain("192.0.2.1"));
    }

    [Fact]
    public void A_bucket_still_filling_is_kept_with_what_it_has_refilled()
    {
        Assert.True(limit.TryTake("198.51.100.7", out _));
        clock.Advance(TimeSpan.FromSeconds(9));
        Drain("192.0.2.1");

        // The sweep is due; the drained bucket has refilled for 2 s of the 2.5 s it needs.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(limit.TryTake("198.51.100.7", out _));

        Assert.Equal(2, limit.Clients);
        Assert.Equal(2 * PermitsPerSecond, Drain("192.0.2.1"));
    }

    private int Drain(string client)
    {
        var taken = 0;
        while (limit.TryTake(client, out _))
        {
            taken++;
        }

        return taken;
    }
}
