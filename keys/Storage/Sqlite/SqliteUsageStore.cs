using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage.Sqlite;

public sealed class SqliteUsageStore(SqliteDatabase database) : IUsageStore
{
    public async Task RecordUsageAsync(IReadOnlyCollection<UsageIncrement> increments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        if (increments.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO usage_hourly (key_id, hour, count) VALUES (@KeyId, @Hour, @Count) " +
            "ON CONFLICT (key_id, hour) DO UPDATE SET count = count + excluded.count",
            increments.Select(i => new { i.KeyId, Hour = UnixMs.From(i.HourStart), i.Count }), transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), @LastUsedAt) WHERE id = @KeyId",
            increments.GroupBy(i => i.KeyId).Select(g => new { KeyId = g.Key, LastUsedAt = UnixMs.From(g.Max(i => i.LastUsedAt)) }),
            transaction, cancellationToken: cancellationToken));
        transaction.Commit();
    }

    public async Task<IReadOnlyDictionary<string, KeyUsage>> GetUsageAsync(IReadOnlyCollection<string> keyIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        if (keyIds.Count == 0)
        {
            return new Dictionary<string, KeyUsage>();
        }
        // Hourly buckets: "last 24h" is the current hour plus the 23 before it, and likewise for 7 and 30 days.
        var hour = UnixMs.From(UsageHours.Start(now));
        const long HourMs = 3_600_000;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string KeyId, long Day, long Week, long Month)>(new CommandDefinition(
            "SELECT key_id, " +
            "SUM(CASE WHEN hour > @h24 THEN count ELSE 0 END), " +
            "SUM(CASE WHEN hour > @h7d THEN count ELSE 0 END), " +
            "SUM(count) FROM usage_hourly WHERE key_id IN @keyIds AND hour > @h30d GROUP BY key_id",
            new { keyIds, h24 = hour - (24 * HourMs), h7d = hour - (7 * 24 * HourMs), h30d = hour - (30 * 24 * HourMs) },
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.KeyId, r => new KeyUsage(r.Day, r.Week, r.Month), StringComparer.Ordinal);
    }

    public async Task<int> PruneUsageAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM usage_hourly WHERE hour < @before", new { before = UnixMs.From(before) }, cancellationToken: cancellationToken));
    }

    public async Task AddQuotaUsageAsync(IReadOnlyCollection<QuotaIncrement> increments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        if (increments.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO quota_usage (lineage_id, period, count) VALUES (@LineageId, @Period, @Count) " +
            "ON CONFLICT (lineage_id, period) DO UPDATE SET count = count + excluded.count",
            increments, transaction, cancellationToken: cancellationToken));
        transaction.Commit();
    }

    public async Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(periods);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Period, long Count)>(new CommandDefinition(
            "SELECT period, count FROM quota_usage WHERE lineage_id = @lineageId AND period IN @periods",
            new { lineageId, periods }, cancellationToken: cancellationToken));
        // Every period asked for gets an entry: one with no row yet has spent 0.
        var spent = periods.Distinct(StringComparer.Ordinal).ToDictionary(p => p, _ => 0L, StringComparer.Ordinal);
        foreach (var (period, count) in rows)
        {
            spent[period] = count;
        }
        return spent;
    }
}
