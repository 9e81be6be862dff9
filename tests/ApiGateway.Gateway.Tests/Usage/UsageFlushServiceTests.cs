using ApiGateway.Gateway.Tests.Metrics;
using ApiGateway.Gateway.Usage;
using Microsoft.Extensions.DependencyInjection;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Tests.Usage;

public sealed class UsageFlushServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private TelemetryTestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TelemetryTestHost.StartAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Tick_AfterNRequests_UsageEqualsNAfterTheFlushInterval()
    {
        var key = await _host.Store.MintKeyAsync();
        var refused = await _host.Store.MintKeyAsync("probed");
        for (var i = 0; i < 20; i++)
        {
            await _host.SendAsync("/contacts/1", keyId: key.Id);
        }
        await _host.SendAsync("/contacts/1", keyId: refused.Id, reason: "insufficient_scope", status: 403);
        await _host.SendAsync("/contacts/1", keyId: refused.Id, rateLimited: true, status: 429);
        await _host.SendAsync("/contacts/1", reason: "invalid", status: 401);

        // Nothing is written per request: the store sees nothing until the flush timer fires.
        Assert.Equal(KeyUsage.None, await _host.Store.UsageOfAsync(key.Id, _host.Clock.GetUtcNow()));
        var usedAt = _host.Clock.GetUtcNow();
        _host.Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(new KeyUsage(20, 20, 20), await PollUsageAsync(key.Id, 20));
        Assert.Equal(new KeyUsage(2, 2, 2), await PollUsageAsync(refused.Id, 2));
        Assert.Equal(usedAt, (await _host.Store.Keys.GetAsync(key.Id, TestContext.Current.CancellationToken))!.LastUsedAt);
    }

    [Fact]
    public async Task StopAsync_PendingUsage_IsFlushed()
    {
        var key = await _host.Store.MintKeyAsync();
        for (var i = 0; i < 7; i++)
        {
            await _host.SendAsync("/contacts/1", keyId: key.Id);
        }

        await _host.App.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(7, (await _host.Store.UsageOfAsync(key.Id, _host.Clock.GetUtcNow())).Last24h);
    }

    [Fact]
    public async Task Tick_First_PrunesRowsOlderThanTheRetention()
    {
        var key = await _host.Store.MintKeyAsync();
        var recorder = _host.App.Services.GetRequiredService<UsageRecorder>();
        var now = _host.Clock.GetUtcNow();
        recorder.Record(key.Id, 1, false, now.AddDays(-401));
        await recorder.FlushAsync(TestContext.Current.CancellationToken);
        recorder.Record(key.Id, 1, false, now);
        Assert.Equal(1, await CountRowsAsync()); // the 401-day-old row; the current one is still in memory

        _host.Clock.Advance(TimeSpan.FromSeconds(5)); // first tick: flush, then prune

        var until = DateTime.UtcNow + Deadline;
        var rows = await CountRowsAsync();
        while ((rows != 1 || (await _host.Store.UsageOfAsync(key.Id, now)).Last24h != 1) && DateTime.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken); // poll interval
            rows = await CountRowsAsync();
        }
        Assert.Equal(1, rows); // old row pruned, current row flushed
        Assert.Equal(1, (await _host.Store.UsageOfAsync(key.Id, now)).Last24h);
    }

    private async Task<long> CountRowsAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(_host.Store.Database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM usage_hourly";
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private async Task<KeyUsage> PollUsageAsync(string keyId, long expected)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var usage = await _host.Store.UsageOfAsync(keyId, _host.Clock.GetUtcNow());
            if (usage.Last24h >= expected || DateTime.UtcNow > until)
            {
                return usage;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken); // poll interval, not a wait for the outcome
        }
    }
}
