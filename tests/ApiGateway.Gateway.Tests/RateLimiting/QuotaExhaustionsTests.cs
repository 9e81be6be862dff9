using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class QuotaExhaustionsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);

    private static readonly ApiKey Key = new()
    {
        Id = "key_1", Name = "k", Prefix = "agw_live_abcdefg", Mode = KeyMode.Live, WorkspaceId = "ws_main",
        Scopes = ["*"], LineageId = "lin_1", CreatedAt = Noon.AddDays(-1), CreatedBy = "tests",
    };

    /// <summary>Records every batch it is given; fails while <see cref="Failing"/> (the store being down).</summary>
    private sealed class RecordingStore : IQuotaExhaustionStore
    {
        public List<IReadOnlyCollection<QuotaExhaustion>> Batches { get; } = [];

        public bool Failing { get; set; }

        public Task RecordAsync(IReadOnlyCollection<QuotaExhaustion> exhaustions, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                throw new InvalidOperationException("store down");
            }
            Batches.Add([.. exhaustions]);
            return Task.CompletedTask;
        }
    }

    private readonly FakeTimeProvider _clock = new(Noon);
    private readonly RecordingStore _store = new();

    private QuotaExhaustions Exhaustions() => new(_store, _clock, NullLogger<QuotaExhaustions>.Instance);

    [Fact]
    public async Task Note_RateRefusal_NothingRecorded()
    {
        var exhaustions = Exhaustions();

        exhaustions.Note(Key, RateLimitRefusal.Rate);
        exhaustions.Note(Key, RateLimitRefusal.BackendUnavailable);

        Assert.Equal(0, await exhaustions.FlushAsync(CancellationToken.None));
        Assert.Empty(_store.Batches);
    }

    [Fact]
    public async Task Note_SpentQuotaManyTimes_OneRowPerLineageAndPeriod()
    {
        var exhaustions = Exhaustions();

        exhaustions.Note(Key, RateLimitRefusal.DailyQuota);
        exhaustions.Note(Key with { Id = "key_2" }, RateLimitRefusal.DailyQuota); // its successor, same lineage
        exhaustions.Note(Key, RateLimitRefusal.MonthlyQuota);
        exhaustions.Note(Key, RateLimitRefusal.MonthlyQuota);

        Assert.Equal(2, await exhaustions.FlushAsync(CancellationToken.None));
        Assert.Equal(
            [new QuotaExhaustion("lin_1", "d:2026-03-31", "key_1", Noon), new QuotaExhaustion("lin_1", "m:2026-03", "key_1", Noon)],
            Assert.Single(_store.Batches));
        exhaustions.Note(Key, RateLimitRefusal.DailyQuota);
        Assert.Equal(0, await exhaustions.FlushAsync(CancellationToken.None)); // already recorded this day
    }

    [Fact]
    public async Task FlushAsync_StoreDown_KeptForTheNextFlush()
    {
        var exhaustions = Exhaustions();
        exhaustions.Note(Key, RateLimitRefusal.DailyQuota);
        _store.Failing = true;

        Assert.Equal(0, await exhaustions.FlushAsync(CancellationToken.None));

        _store.Failing = false;
        Assert.Equal(1, await exhaustions.FlushAsync(CancellationToken.None));
        Assert.Equal("d:2026-03-31", Assert.Single(Assert.Single(_store.Batches)).Period);
    }

    [Fact]
    public async Task Note_NextDayAndMonth_NewRowsOnceThePeriodsChange()
    {
        var exhaustions = Exhaustions();
        exhaustions.Note(Key, RateLimitRefusal.DailyQuota);
        exhaustions.Note(Key, RateLimitRefusal.MonthlyQuota);
        await exhaustions.FlushAsync(CancellationToken.None);

        _clock.Advance(TimeSpan.FromDays(1)); // 1 April: a new day and a new month
        exhaustions.Note(Key, RateLimitRefusal.DailyQuota);
        exhaustions.Note(Key, RateLimitRefusal.MonthlyQuota);

        Assert.Equal(2, await exhaustions.FlushAsync(CancellationToken.None));
        Assert.Equal(["d:2026-04-01", "m:2026-04"], _store.Batches[1].Select(e => e.Period));
    }
}
