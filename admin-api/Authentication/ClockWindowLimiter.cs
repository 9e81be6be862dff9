using System.Threading.RateLimiting;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>
/// A fixed window that opens at its first permit and ends <c>window</c> later by a <see cref="TimeProvider"/>. The
/// permits are counted by the framework's <see cref="FixedWindowRateLimiter"/>; only the window's end is ours, because
/// System.Threading.RateLimiting takes no <see cref="TimeProvider"/> (its limiters read <c>Stopwatch</c>), so a fake
/// clock could not end a window in tests. The inner limiter replenishes only when told to (<c>AutoReplenishment</c>
/// off); its own window is one tick, so telling it always works.
/// </summary>
/// <remarks>
/// No queue: a refused acquire fails at once with a <see cref="MetadataName.RetryAfter"/> of the time left in the window.
/// The partitioned limiter's heartbeat calls <see cref="TryReplenish"/> about every 100 ms, which ends windows nobody
/// asks about any more, so their partitions become idle and are dropped (<see cref="IdleDuration"/>).
/// </remarks>
internal sealed class ClockWindowLimiter : ReplenishingRateLimiter
{
    private readonly FixedWindowRateLimiter _permits;
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly int _limit;
    private readonly Lock _lock = new();
    private long? _windowStart;
    private long _idleSince;

    public ClockWindowLimiter(int limit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _limit = limit;
        _window = window;
        _time = time;
        _idleSince = time.GetTimestamp();
        _permits = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            QueueLimit = 0,
            Window = TimeSpan.FromTicks(1),
            AutoReplenishment = false,
        });
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                return _windowStart is null ? _time.GetElapsedTime(_idleSince) : null;
            }
        }
    }

    public override bool IsAutoReplenishing => false;

    public override TimeSpan ReplenishmentPeriod => _window;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            EndWindowIfOver();
            return _permits.GetStatistics();
        }
    }

    public override bool TryReplenish()
    {
        lock (_lock)
        {
            EndWindowIfOver();
        }
        return true;
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            EndWindowIfOver();
            var lease = _permits.AttemptAcquire(permitCount);
            if (lease.IsAcquired)
            {
                if (permitCount > 0)
                {
                    _windowStart ??= _time.GetTimestamp();
                }
                return lease;
            }
            lease.Dispose();
            var left = _windowStart is { } start ? _window - _time.GetElapsedTime(start) : _window;
            return new RefusedLease(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _permits.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Refills the permits once the clock says the window is over. Called under <see cref="_lock"/>.</summary>
    private void EndWindowIfOver()
    {
        if (_windowStart is not { } start || _time.GetElapsedTime(start) < _window)
        {
            return;
        }
        _permits.TryReplenish();
        // The inner limiter skips a refill asked for within one real tick of its last one; then the window stays over
        // and the next call refills it.
        if (_permits.GetStatistics()?.CurrentAvailablePermits == _limit)
        {
            _windowStart = null;
            _idleSince = _time.GetTimestamp();
        }
    }

    private sealed class RefusedLease(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames { get; } = [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
