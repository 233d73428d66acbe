using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Protection;

/// <summary>
/// The rate limit per client address: a token bucket per client (<c>RateLimit:Burst</c> requests at once, refilled at
/// <c>RateLimit:PermitsPerSecond</c>), answered with 429 and Retry-After when it is empty.
/// </summary>
/// <remarks>
/// Buckets are refilled from the time elapsed when their client asks, so nothing runs between requests. ASP.NET
/// Core's rate-limiting middleware and <c>PartitionedRateLimiter.Create</c> each refill and sweep on a 100 ms timer:
/// 20 wake-ups a second of every idle replica, about a third of its CPU at rest (docs/architecture.md).
/// </remarks>
internal sealed class ClientRateLimit(IOptions<RateLimitOptions> options, TimeProvider time)
{
    // Idle buckets are dropped at most this often, while a request is being handled.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly double permitsPerSecond = options.Value.PermitsPerSecond;
    private readonly double burst = options.Value.Burst;
    private long nextSweep = time.GetTimestamp();

    /// <summary>The number of clients with a bucket now: the ones heard from since their bucket last filled up.</summary>
    public int Clients => buckets.Count;

    /// <summary>Takes one request from the client's bucket; when it is empty, says how long until it holds one.</summary>
    public bool TryTake(string client, out TimeSpan retryAfter)
    {
        var now = time.GetTimestamp();
        SweepIfDue(now);
        var bucket = buckets.GetOrAdd(client, static (_, state) => new Bucket(state.Burst, state.Now), (Burst: burst, Now: now));
        lock (bucket)
        {
            bucket.Tokens = Math.Min(burst, bucket.Tokens + (time.GetElapsedTime(bucket.Updated, now).TotalSeconds * permitsPerSecond));
            bucket.Updated = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens--;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - bucket.Tokens) / permitsPerSecond);
            return false;
        }
    }

    // A bucket left alone long enough to fill up is the same as no bucket: dropping it changes no answer.
    private void SweepIfDue(long now)
    {
        var due = Interlocked.Read(ref nextSweep);
        if (now < due || Interlocked.CompareExchange(ref nextSweep, now + (long)(SweepInterval.TotalSeconds * time.TimestampFrequency), due) != due)
        {
            return;
        }

        var fillTime = TimeSpan.FromSeconds(burst / permitsPerSecond);
        foreach (var (client, bucket) in buckets)
        {
            lock (bucket)
            {
                if (time.GetElapsedTime(bucket.Updated, now) >= fillTime)
                {
                    buckets.TryRemove(new KeyValuePair<string, Bucket>(client, bucket));
                }
            }
        }
    }

    private sealed class Bucket(double tokens, long updated)
    {
        public double Tokens { get; set; } = tokens;

        public long Updated { get; set; } = updated;
    }
}

/// <summary>Applies <see cref="ClientRateLimit"/> to each request; the status code pages write the 429 as ProblemDetails.</summary>
internal sealed class ClientRateLimitMiddleware(RequestDelegate next, ClientRateLimit limit)
{
    public Task InvokeAsync(HttpContext context)
    {
        // After the forwarded headers: the client a trusted proxy names, or the connection's own address.
        if (limit.TryTake(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", out var retryAfter))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }
}
