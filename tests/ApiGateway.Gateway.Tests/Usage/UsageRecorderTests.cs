using ApiGateway.Gateway.Usage;
using ApiGateway.Keys.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.Usage;

public sealed class UsageRecorderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 10, 30, 0, TimeSpan.Zero));
    private UsageTestStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await UsageTestStore.CreateAsync(commandTimeoutSeconds: 1);

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private UsageRecorder CreateRecorder(int maxPendingRows = 100_000, int retentionDays = 400) =>
        new(_store.Usage, _clock, Options.Create(new UsageOptions { MaxPendingRows = maxPendingRows, RetentionDays = retentionDays }), NullLogger<UsageRecorder>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FlushAsync_AfterNRequests_StoreCountsNAndLastUsed()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder();
        for (var i = 0; i < 250; i++)
        {
            recorder.Record(key.Id, 1, refused: false);
        }
        _clock.Advance(TimeSpan.FromSeconds(2));
        recorder.Record(key.Id, 1, refused: false);

        Assert.Equal(KeyUsage.None, await _store.UsageOfAsync(key.Id, _clock.GetUtcNow()));
        Assert.Equal(1, await recorder.FlushAsync(Ct));

        Assert.Equal(new KeyUsage(251, 251, 251), await _store.UsageOfAsync(key.Id, _clock.GetUtcNow()));
        Assert.Equal(_clock.GetUtcNow(), (await _store.Keys.GetAsync(key.Id, Ct))!.LastUsedAt);
    }

    [Fact]
    public async Task FlushAsync_UnitsAndRefusals_WrittenBesideRequests()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder();
        recorder.Record(key.Id, 5, refused: false);
        recorder.Record(key.Id, 5, refused: false);
        recorder.Record(key.Id, 0, refused: true);
        Assert.Equal(1, await recorder.FlushAsync(Ct));
        recorder.Record(key.Id, 1, refused: false);
        await recorder.FlushAsync(Ct);

        var hour = UsageHours.Start(_clock.GetUtcNow());
        var rows = await _store.Usage.QueryUsageAsync(new UsageQuery(hour, hour.AddHours(1), UsageGranularity.Hour), Ct);
        Assert.Equal([new UsageRow(hour, "ws_1", key.Id, Requests: 4, Units: 11, Refused: 1)], rows);
    }

    [Fact]
    public async Task Record_CellExists_AllocatesNothing()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder();
        recorder.Record(key.Id, 1, refused: false); // the key's cell for this hour

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            recorder.Record(key.Id, 5, refused: (i & 1) == 0);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task FlushAsync_Twice_AddsOnlyNewCounts()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder();
        recorder.Record(key.Id, 1, refused: false);
        await recorder.FlushAsync(Ct);
        Assert.Equal(0, await recorder.FlushAsync(Ct));
        recorder.Record(key.Id, 1, refused: false);
        recorder.Record(key.Id, 1, refused: false);
        await recorder.FlushAsync(Ct);

        Assert.Equal(3, (await _store.UsageOfAsync(key.Id, _clock.GetUtcNow())).Last24h);
    }

    [Fact]
    public async Task Record_AcrossHourBoundary_WritesOneRowPerHour()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder();
        recorder.Record(key.Id, 1, false, new DateTimeOffset(2026, 1, 1, 10, 59, 59, TimeSpan.Zero));
        recorder.Record(key.Id, 1, false, new DateTimeOffset(2026, 1, 1, 11, 0, 0, TimeSpan.Zero));
        recorder.Record(key.Id, 1, false, new DateTimeOffset(2026, 1, 1, 11, 0, 1, TimeSpan.Zero));

        Assert.Equal(2, await recorder.FlushAsync(Ct));

        Assert.Equal(2, await CountAsync("SELECT count(*) FROM usage_hourly"));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 11, 0, 1, TimeSpan.Zero), (await _store.Keys.GetAsync(key.Id, Ct))!.LastUsedAt);
    }

    [Fact]
    public async Task Record_ConcurrentWithFlushes_LosesNoRequest()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder();
        const int Workers = 4;
        const int PerWorker = 20_000;
        using var done = new CancellationTokenSource();

        var flusher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await recorder.FlushAsync(Ct);
            }
        }, Ct);
        await Parallel.ForAsync(0, Workers, Ct, (_, _) =>
        {
            for (var i = 0; i < PerWorker; i++)
            {
                recorder.Record(key.Id, 1, refused: false);
            }
            return ValueTask.CompletedTask;
        });
        await done.CancelAsync();
        await flusher;
        await recorder.FlushAsync(Ct);

        Assert.Equal(Workers * PerWorker, (await _store.UsageOfAsync(key.Id, _clock.GetUtcNow())).Last24h);
    }

    [Fact]
    public async Task FlushAsync_StoreLocked_KeepsCountsAndWritesThemNextTime()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder();
        recorder.Record(key.Id, 1, refused: false);
        recorder.Record(key.Id, 1, refused: false);

        await using (var blocker = new SqliteConnection(_store.Database.ConnectionString))
        {
            await blocker.OpenAsync(Ct);
            using var transaction = blocker.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
            Assert.Equal(0, await recorder.FlushAsync(Ct)); // SQLITE_BUSY after the 1 s command timeout
            Assert.Equal(1, recorder.PendingRows);
            recorder.Record(key.Id, 1, refused: false);
        }

        Assert.Equal(1, await recorder.FlushAsync(Ct));
        Assert.Equal(0, recorder.PendingRows);
        Assert.Equal(3, (await _store.UsageOfAsync(key.Id, _clock.GetUtcNow())).Last24h);
    }

    [Fact]
    public async Task FlushAsync_FailuresBeyondTheBound_DropOldestHoursFirst()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder(maxPendingRows: 2);
        var start = _clock.GetUtcNow();
        recorder.Record(key.Id, 1, false, start.AddHours(-2));
        recorder.Record(key.Id, 1, false, start.AddHours(-1));
        recorder.Record(key.Id, 1, false, start);

        await using (var blocker = new SqliteConnection(_store.Database.ConnectionString))
        {
            await blocker.OpenAsync(Ct);
            using var transaction = blocker.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
            await recorder.FlushAsync(Ct);
        }
        Assert.Equal(2, recorder.PendingRows);
        await recorder.FlushAsync(Ct);

        Assert.Equal(2, (await _store.UsageOfAsync(key.Id, start)).Last24h);
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM usage_hourly WHERE hour = {UsageHours.Start(start.AddHours(-2)).ToUnixTimeMilliseconds()}"));
    }

    [Fact]
    public async Task PruneAsync_RowsOlderThanTheRetention_AreDeleted()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder(retentionDays: 30);
        var now = _clock.GetUtcNow();
        recorder.Record(key.Id, 1, false, now.AddDays(-31));
        recorder.Record(key.Id, 1, false, now.AddDays(-29));
        recorder.Record(key.Id, 1, false, now);
        await recorder.FlushAsync(Ct);

        await recorder.PruneAsync(Ct);

        Assert.Equal(2, await CountAsync("SELECT count(*) FROM usage_hourly"));
        Assert.Equal(new KeyUsage(1, 1, 2), await _store.UsageOfAsync(key.Id, now));
    }

    [Fact]
    public async Task PruneAsync_DefaultRetention_KeepsTheReportable400Days()
    {
        var key = await _store.MintKeyAsync();
        var recorder = CreateRecorder();
        var now = _clock.GetUtcNow();
        recorder.Record(key.Id, 1, false, now.AddDays(-401));
        recorder.Record(key.Id, 1, false, now.AddDays(-399));
        recorder.Record(key.Id, 1, false, now.AddDays(-31));
        await recorder.FlushAsync(Ct);

        await recorder.PruneAsync(Ct);

        Assert.Equal(2, await CountAsync("SELECT count(*) FROM usage_hourly"));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection(_store.Database.ConnectionString);
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
