using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class QuotaCounterTests
{
    [Fact]
    public void Admit_Locally_CountsItsUnitsAndLeavesThemToFlush()
    {
        var counter = new QuotaCounter { Period = 5 };

        counter.Admit(byFallback: false, units: 1);
        counter.Admit(byFallback: false, units: 5); // a request on a route with Cost 5

        Assert.Equal((6, 6, 0, 0), (counter.Count, counter.Unflushed, counter.Shared, counter.Unmerged));
        Assert.Equal(6, counter.Spent);
    }

    [Fact]
    public void Admit_ByTheFallback_AlsoOwedToRedis()
    {
        var counter = new QuotaCounter { Period = 5, Shared = 10 };

        counter.Admit(byFallback: true, units: 2);

        Assert.Equal(12, counter.Shared);
        Assert.Equal(2, counter.Unmerged);
        Assert.Equal(12, counter.Spent); // the larger lower bound
    }

    [Fact]
    public void Observe_RedisCountAndMergedSpends_SharedNeverBackAndUnmergedNeverNegative()
    {
        var counter = new QuotaCounter { Period = 5, Shared = 20, Unmerged = 2 };

        counter.Observe(shared: 15, merged: 3);

        Assert.Equal(20, counter.Shared);
        Assert.Equal(0, counter.Unmerged);
    }

    [Fact]
    public void MoveTo_LaterPeriod_StartsAtZeroAndHandsBackWhatWasNotFlushed()
    {
        var counter = new QuotaCounter { Period = 5, Count = 9, Unflushed = 4, Shared = 9, Unmerged = 1 };

        var left = counter.MoveTo(6);

        Assert.Equal(4, left);
        Assert.Equal(6, counter.Period);
        Assert.Equal((0, 0, 0, 0), (counter.Count, counter.Unflushed, counter.Shared, counter.Unmerged));
    }

    [Fact]
    public void MoveTo_SameOrEarlierPeriod_NothingMovesOrIsHandedBack()
    {
        var counter = new QuotaCounter { Period = 6, Count = 3, Unflushed = 3 };

        Assert.Equal(0, counter.MoveTo(6));
        Assert.Equal(0, counter.MoveTo(5)); // a request stamped just before midnight, arriving late
        Assert.Equal((6, 3L), (counter.Period, counter.Count));
    }

    [Fact]
    public void SpentIn_AndUnmergedIn_ZeroForALaterPeriodWithoutMoving()
    {
        var counter = new QuotaCounter { Period = 5, Count = 7, Unmerged = 2 };

        Assert.Equal(0, counter.SpentIn(6));
        Assert.Equal(7, counter.SpentIn(5));
        Assert.Equal(0, counter.UnmergedIn(6));
        Assert.Equal(2, counter.UnmergedIn(5));
        Assert.Equal(5, counter.Period);
    }
}
