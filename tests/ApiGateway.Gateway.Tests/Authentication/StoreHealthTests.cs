using ApiGateway.Gateway.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.Authentication;

public sealed class StoreHealthTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);

    private StoreHealth Health() => new(_clock, Options.Create(new AuthOptions { StaleSeconds = 30 }));

    [Fact]
    public void New_NothingReachedYet_NotReachableAndFeedNotFollowed()
    {
        var health = Health();

        Assert.Null(health.LastReached);
        Assert.False(health.IsReachable);
        Assert.False(health.FeedFollowed);
        Assert.Equal(-1, health.ProcessedSequence);
    }

    [Fact]
    public void IsReachable_ReachedWithinStaleSeconds_TrueThenFalseAfter()
    {
        var health = Health();
        health.ReportReached(Start);

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(health.IsReachable);
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.False(health.IsReachable);
    }

    [Fact]
    public void ReportReached_OlderThanTheLast_NeverMovesBack()
    {
        var health = Health();
        health.ReportReached(Start.AddSeconds(10));

        health.ReportReached(Start); // a slow lookup finishing late

        Assert.Equal(Start.AddSeconds(10), health.LastReached);
    }

    [Fact]
    public void ReportPolled_FollowsTheFeedAndCountsAsReached()
    {
        var health = Health();

        health.ReportPolled(Start, sequence: 0);

        Assert.True(health.FeedFollowed);
        Assert.Equal(0, health.ProcessedSequence);
        Assert.Equal(Start, health.LastReached);
    }

    [Fact]
    public void IsFresh_RecordReadLongAgoButFeedFollowedRecently_Fresh()
    {
        var health = Health();
        var readAt = Start;
        _clock.Advance(TimeSpan.FromMinutes(5));
        health.ReportPolled(_clock.GetUtcNow(), sequence: 7);

        // The feed would have evicted the record on any change: following it keeps the record good.
        Assert.True(health.IsFresh(readAt, _clock.GetUtcNow().AddSeconds(30)));
        Assert.False(health.IsFresh(readAt, _clock.GetUtcNow().AddSeconds(31)));
    }

    [Fact]
    public void IsFresh_NoPollEver_OnlyTheReadTimeCounts()
    {
        var health = Health();

        Assert.True(health.IsFresh(Start, Start.AddSeconds(30)));
        Assert.False(health.IsFresh(Start, Start.AddSeconds(30).AddTicks(1)));
    }
}
