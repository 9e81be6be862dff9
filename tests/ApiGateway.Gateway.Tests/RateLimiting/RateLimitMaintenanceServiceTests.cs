using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// The limiter's one maintenance loop on the fake clock over a real SQLite store: spent quota and quota exhaustions are
/// written every <c>QuotaFlushSeconds</c> and once more at stop, idle cells are evicted only after their spend is
/// stored, so a later request rebuilds the same quota.
/// </summary>
public sealed class RateLimitMaintenanceServiceTests : IAsyncLifetime
{
    private const string Day = "d:2026-03-10";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly RateLimitPolicy Policy = new("p", 100, 60, daily: 5, monthly: null);

    private LimiterHarness _harness = null!;
    private QuotaExhaustions _exhaustions = null!;
    private RateLimitMaintenanceService _service = null!;

    public async ValueTask InitializeAsync()
    {
        _harness = await LimiterHarness.CreateAsync(options: RateLimitTestData.Options(o =>
        {
            o.QuotaFlushSeconds = 5;
            o.IdleSeconds = 60;
        }));
        _exhaustions = new QuotaExhaustions(new QuotaExhaustionStore(new SqliteDialect(_harness.Database)), _harness.Clock, NullLogger<QuotaExhaustions>.Instance);
        _service = new RateLimitMaintenanceService(_harness.Limiter, _exhaustions, Microsoft.Extensions.Options.Options.Create(_harness.Options.CurrentValue),
            _harness.Clock, NullLogger<RateLimitMaintenanceService>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _service.Dispose();
        await _harness.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> StoredAsync() => (await _harness.StoredAsync("lin_a", Day)).GetValueOrDefault(Day);

    [Fact]
    public async Task Tick_SpentQuotaAndExhaustions_WrittenOnTheClockNotBefore()
    {
        await _service.StartAsync(Ct);
        Assert.Equal(5, await _harness.AcquireManyAsync(Policy, 6));
        _exhaustions.Note(RateLimitTestData.Key(lineageId: "lin_a"), RateLimitRefusal.DailyQuota);
        Assert.Equal(0, await StoredAsync());

        await UntilAsync(async () =>
        {
            _harness.Clock.Advance(TimeSpan.FromSeconds(5)); // the loop may still be starting: tick until it has flushed
            return await StoredAsync() == 5;
        });

        await UntilAsync(async () => await CountExhaustionsAsync() == 1);
        await _service.StopAsync(Ct);
    }

    [Fact]
    public async Task StopAsync_WritesWhatIsLeft()
    {
        await _service.StartAsync(Ct);
        Assert.Equal(3, await _harness.AcquireManyAsync(Policy, 3));
        _exhaustions.Note(RateLimitTestData.Key(lineageId: "lin_b"), RateLimitRefusal.DailyQuota);

        await _service.StopAsync(Ct);

        Assert.Equal(3, await StoredAsync());
        Assert.Equal(1, await CountExhaustionsAsync());
    }

    /// <summary>An idle cell goes once its spend is stored; the key's next request rebuilds its quota from the store, not from zero.</summary>
    [Fact]
    public async Task Tick_AfterTheIdleTime_EvictsTheCellAndItsQuotaSurvives()
    {
        await _service.StartAsync(Ct);
        Assert.Equal(3, await _harness.AcquireManyAsync(Policy, 3));
        Assert.Equal(1, _harness.Limiter.Count);

        await UntilAsync(() =>
        {
            _harness.Clock.Advance(TimeSpan.FromSeconds(5));
            return Task.FromResult(_harness.Limiter.Count == 0);
        });

        Assert.Equal(3, await StoredAsync());
        Assert.Equal(2, await _harness.AcquireManyAsync(Policy, 5)); // 3 of the day's 5 were spent before the eviction
        await _service.StopAsync(Ct);
    }

    private async Task<long> CountExhaustionsAsync()
    {
        await using var connection = await _harness.Database.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM quota_exhaustions";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>Polls an observable condition to a deadline (the service's loop runs on its own).</summary>
    private static async Task UntilAsync(Func<Task<bool>> done)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met before the deadline");
            await Task.Delay(Poll.Interval, Ct); // poll interval
        }
    }
}
