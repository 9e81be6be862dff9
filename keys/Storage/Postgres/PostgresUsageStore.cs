using System.Data;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage.Postgres;

/// <summary>
/// <see cref="IUsageStore"/> on Postgres. Several gateways flush batches at once, so each batch is folded to one row
/// per conflict key and written in one statement per table, touching rows in key order: two batches over the same
/// keys then lock them in the same order and cannot deadlock.
/// </summary>
public sealed class PostgresUsageStore(PostgresDatabase database) : IUsageStore
{
    private const long HourMs = 3_600_000;

    public async Task RecordUsageAsync(IReadOnlyCollection<UsageIncrement> increments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        if (increments.Count == 0)
        {
            return;
        }
        // ON CONFLICT DO UPDATE may touch a row once per statement: sum repeats of (key, hour) first.
        var hours = increments
            .GroupBy(i => (i.KeyId, Hour: UnixMs.From(i.HourStart)))
            .Select(g => (g.Key.KeyId, g.Key.Hour, Count: g.Sum(i => i.Count)))
            .OrderBy(r => r.KeyId, StringComparer.Ordinal).ThenBy(r => r.Hour)
            .ToArray();
        var lastUsed = increments
            .GroupBy(i => i.KeyId)
            .Select(g => (KeyId: g.Key, At: UnixMs.From(g.Max(i => i.LastUsedAt))))
            .OrderBy(r => r.KeyId, StringComparer.Ordinal)
            .ToArray();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO usage_hourly (key_id, hour, count) " +
            "SELECT key_id, hour, count FROM unnest(@keyIds, @hours, @counts) AS u (key_id, hour, count) ORDER BY key_id, hour " +
            "ON CONFLICT (key_id, hour) DO UPDATE SET count = usage_hourly.count + excluded.count",
            new { keyIds = hours.Select(r => r.KeyId).ToArray(), hours = hours.Select(r => r.Hour).ToArray(), counts = hours.Select(r => r.Count).ToArray() },
            transaction, cancellationToken: cancellationToken));
        var ids = lastUsed.Select(r => r.KeyId).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM api_keys WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE",
            new { ids }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys AS k SET last_used_at = GREATEST(COALESCE(k.last_used_at, 0), u.at) " +
            "FROM unnest(@ids, @ats) AS u (id, at) WHERE k.id = u.id",
            new { ids, ats = lastUsed.Select(r => r.At).ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
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
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string KeyId, long Day, long Week, long Month)>(new CommandDefinition(
            "SELECT key_id, " +
            "SUM(CASE WHEN hour > @h24 THEN count ELSE 0 END)::bigint, " +
            "SUM(CASE WHEN hour > @h7d THEN count ELSE 0 END)::bigint, " +
            "SUM(count)::bigint FROM usage_hourly WHERE key_id = ANY(@keyIds) AND hour > @h30d GROUP BY key_id",
            new { keyIds = keyIds.ToArray(), h24 = hour - (24 * HourMs), h7d = hour - (7 * 24 * HourMs), h30d = hour - (30 * 24 * HourMs) },
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
        var rows = increments
            .GroupBy(i => (i.LineageId, i.Period))
            .Select(g => (g.Key.LineageId, g.Key.Period, Count: g.Sum(i => i.Count)))
            .OrderBy(r => r.LineageId, StringComparer.Ordinal).ThenBy(r => r.Period, StringComparer.Ordinal)
            .ToArray();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO quota_usage (lineage_id, period, count) " +
            "SELECT lineage_id, period, count FROM unnest(@lineageIds, @periods, @counts) AS u (lineage_id, period, count) ORDER BY lineage_id, period " +
            "ON CONFLICT (lineage_id, period) DO UPDATE SET count = quota_usage.count + excluded.count",
            new { lineageIds = rows.Select(r => r.LineageId).ToArray(), periods = rows.Select(r => r.Period).ToArray(), counts = rows.Select(r => r.Count).ToArray() },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(periods);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Period, long Count)>(new CommandDefinition(
            "SELECT period, count FROM quota_usage WHERE lineage_id = @lineageId AND period = ANY(@periods)",
            new { lineageId, periods = periods.ToArray() }, cancellationToken: cancellationToken));
        // Every period asked for gets an entry: one with no row yet has spent 0.
        var spent = periods.Distinct(StringComparer.Ordinal).ToDictionary(p => p, _ => 0L, StringComparer.Ordinal);
        foreach (var (period, count) in rows)
        {
            spent[period] = count;
        }
        return spent;
    }
}
