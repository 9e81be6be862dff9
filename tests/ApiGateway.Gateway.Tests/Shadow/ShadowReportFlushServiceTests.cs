using ApiGateway.Gateway.Shadow;
using ApiGateway.Gateway.Usage;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.Shadow;

/// <summary>
/// The shadow report on the usage schedule (<c>Usage:FlushSeconds</c>), over a real SQLite store and a fake clock:
/// differences written on the clock and at stop, decisions past the retention pruned from the first tick. The gateway's
/// shadow routes end to end are in ShadowReportTests.
/// </summary>
public sealed class ShadowReportFlushServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly TempDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private ShadowDecisionStore _store = null!;
    private ShadowReport _report = null!;
    private ShadowReportFlushService _service = null!;

    public async ValueTask InitializeAsync()
    {
        var database = new SqliteDatabase(Options.Create(new KeyStoreOptions { ConnectionString = _database.ConnectionString }));
        await new SqliteMigrator(database, NullLogger<SqliteMigrator>.Instance).MigrateAsync(Ct);
        _store = new ShadowDecisionStore(new SqliteDialect(database));
        var usage = Options.Create(new UsageOptions { FlushSeconds = 5 });
        _report = new ShadowReport(_store, _clock, usage, NullLogger<ShadowReport>.Instance);
        _service = new ShadowReportFlushService(_report, _clock, usage);
    }

    public ValueTask DisposeAsync()
    {
        _service.Dispose();
        _database.Dispose();
        return ValueTask.CompletedTask;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<IReadOnlyList<ShadowDecisionSummary>> ListedAsync() =>
        _store.ListAsync(new ShadowDecisionQuery(null, null, Start.AddDays(-60), 100), Ct);

    [Fact]
    public async Task Tick_Differences_WrittenInOneRowPerRouteOutcomeAndKey()
    {
        await _service.StartAsync(Ct);
        _report.Record("contacts", "key_1", ShadowOutcome.WouldRefuse);
        _report.Record("contacts", "key_1", ShadowOutcome.WouldRefuse);
        _report.Record("contacts", "key_2", ShadowOutcome.WouldAllow);
        Assert.Empty(await ListedAsync());

        _clock.Advance(TimeSpan.FromSeconds(5));
        var listed = await UntilAsync(ListedAsync, rows => rows.Count == 2);

        Assert.Equal(
            [("key_1", ShadowOutcomeNames.WouldRefuse, 2L), ("key_2", ShadowOutcomeNames.WouldAllow, 1L)],
            listed.Select(r => (r.KeyId, r.Outcome, r.Count)).Order());
        await _service.StopAsync(Ct);
    }

    [Fact]
    public async Task Tick_First_PrunesDecisionsPastTheRetention()
    {
        _report.Record("contacts", "key_old", ShadowOutcome.WouldRefuse);
        Assert.Equal(1, await _report.FlushAsync(Ct));
        _clock.Advance(ShadowReport.Retention + TimeSpan.FromDays(1));
        _report.Record("contacts", "key_new", ShadowOutcome.WouldRefuse);
        await _service.StartAsync(Ct);

        _clock.Advance(TimeSpan.FromSeconds(5));
        var listed = await UntilAsync(ListedAsync, rows => rows.Count == 1 && rows[0].KeyId == "key_new");

        Assert.Equal("key_new", Assert.Single(listed).KeyId);
        await _service.StopAsync(Ct);
    }

    [Fact]
    public async Task StopAsync_PendingDifferences_Written()
    {
        await _service.StartAsync(Ct);
        _report.Record("contacts", "key_1", ShadowOutcome.WouldAllow);

        await _service.StopAsync(Ct);

        Assert.Equal("key_1", Assert.Single(await ListedAsync()).KeyId);
    }

    /// <summary>Polls the store for the background flush's effect, to a deadline.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < until, "not written before the deadline");
            await Task.Delay(Poll.Interval, Ct); // poll interval
        }
    }
}
