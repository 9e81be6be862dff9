using System.Threading.RateLimiting;
using ApiGateway.AdminApi.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.AdminApi.Tests.Authentication;

public sealed class ClockWindowLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AttemptAcquire_LimitSpent_RefusedWithTheTimeLeftInTheWindow()
    {
        using var limiter = new ClockWindowLimiter(2, Window, _clock);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.AttemptAcquire().IsAcquired);

        using var refused = limiter.AttemptAcquire();

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(4), retryAfter); // the window opened at the first permit
        Assert.False(limiter.AttemptAcquire(0).IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_FakeClockPassesTheWindow_PermitsBackWithoutRealTimePassing()
    {
        using var limiter = new ClockWindowLimiter(1, Window, _clock);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        _clock.Advance(Window - TimeSpan.FromTicks(1));
        Assert.False(limiter.AttemptAcquire().IsAcquired);

        _clock.Advance(TimeSpan.FromTicks(1));

        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public void TryReplenish_WindowOver_LimiterBecomesIdleSoItsPartitionCanBeDropped()
    {
        using var limiter = new ClockWindowLimiter(3, Window, _clock);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.Null(limiter.IdleDuration);

        _clock.Advance(Window);
        Assert.True(limiter.TryReplenish());
        _clock.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(TimeSpan.FromSeconds(11), limiter.IdleDuration);
        Assert.Equal(3, limiter.GetStatistics()!.CurrentAvailablePermits);
    }
}
