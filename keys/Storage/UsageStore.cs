using System.Data.Common;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// <see cref="IUsageStore"/> on either engine. Several gateways flush batches at once: counts go through
/// <see cref="CounterBatchWriter"/>, and last-use times lock their key rows in id order before one batch update.
/// </summary>
public sealed class UsageStore(IStoreDialect dialect) : IUsageStore
{
    private const long HourMs = 3_600_000;

    private readonly CounterBatchWriter _counters = new(dialect);

    public async Task RecordUsageAsync(IReadOnlyCollection<UsageIncrement> increments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        if (increments.Count == 0)
        {
            return;
        }
        var lastUsed = increments
            .GroupBy(i => i.KeyId)
            .Select(g => (KeyId: g.Key, At: UnixMs.From(g.Max(i => i.LastUsedAt))))
            .OrderBy(r => r.KeyId, StringComparer.Ordinal)
            .ToArray();
        var ids = lastUsed.Select(r => r.KeyId).ToArray();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        await _counters.AddAsync(connection, transaction, CounterTable.UsageHourly,
            increments.Select(i => (i.KeyId, UnixMs.From(i.HourStart), new[] { i.Count, i.Units, i.Refused })), cancellationToken);
        await dialect.LockKeysInOrderAsync(connection, transaction, ids, cancellationToken);
        // Only forward: a batch flushed late by one gateway never moves a key's last use back.
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET last_used_at = batch.at FROM " + dialect.BatchRows("id", "at") +
            " WHERE api_keys.id = batch.id AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at < batch.at)",
            dialect.BatchParameters([("id", ids), ("at", lastUsed.Select(r => r.At).ToArray())]), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, KeyUsage>> GetUsageAsync(IReadOnlyCollection<string> keyIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        if (keyIds.Count == 0)
        {
            return new Dictionary<string, KeyUsage>();
        }
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await ReadUsageAsync(dialect, connection, transaction: null, keyIds, now, cancellationToken);
    }

    /// <summary>
    /// <see cref="GetUsageAsync"/> on a connection the caller holds, inside its transaction when it has one: a write
    /// transaction that needs a key's usage (a webhook body) reads it without a second connection while it holds its locks.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, KeyUsage>> ReadUsageAsync(
        IStoreDialect dialect, DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<string> keyIds, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keyIds);
        // Hourly buckets: "last 24h" is the current hour plus the 23 before it, and likewise for 7 and 30 days.
        var hour = UnixMs.From(UsageHours.Start(now));
        var rows = await connection.QueryAsync<(string KeyId, long Day, long Week, long Month)>(new CommandDefinition(
            "SELECT key_id, " +
            "CAST(SUM(CASE WHEN hour > @h24 THEN count ELSE 0 END) AS BIGINT), " +
            "CAST(SUM(CASE WHEN hour > @h7d THEN count ELSE 0 END) AS BIGINT), " +
            "CAST(SUM(count) AS BIGINT) FROM usage_hourly WHERE key_id" + dialect.InArray("keyIds") + " AND hour > @h30d GROUP BY key_id",
            new { keyIds = keyIds.ToArray(), h24 = hour - (24 * HourMs), h7d = hour - (7 * 24 * HourMs), h30d = hour - (30 * 24 * HourMs) },
            transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.KeyId, r => new KeyUsage(r.Day, r.Week, r.Month), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<UsageRow>> QueryUsageAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Hours are stored as Unix ms of their start (never negative), so a UTC day's start is the hour less its remainder.
        var start = query.Granularity == UsageGranularity.Day ? "u.hour - (u.hour % 86400000)" : "u.hour";
        var byKey = query.GroupBy == UsageGrouping.Key;
        var sql =
            $"SELECT {start} AS start, k.workspace_id, {(byKey ? "u.key_id" : "NULL")} AS key_id, " +
            "CAST(SUM(u.count) AS BIGINT), CAST(SUM(u.units) AS BIGINT), CAST(SUM(u.refused) AS BIGINT) " +
            "FROM usage_hourly u JOIN api_keys k ON k.id = u.key_id WHERE u.hour >= @from AND u.hour < @to" +
            (query.WorkspaceId is null ? "" : " AND k.workspace_id = @workspaceId") +
            (query.KeyId is null ? "" : " AND u.key_id = @keyId") +
            (byKey ? " GROUP BY 1, 2, 3" : " GROUP BY 1, 2");
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Start, string WorkspaceId, string? KeyId, long Requests, long Units, long Refused)>(new CommandDefinition(
            sql, new { from = UnixMs.From(query.From), to = UnixMs.From(query.To), workspaceId = query.WorkspaceId, keyId = query.KeyId },
            cancellationToken: cancellationToken));
        // Sorted here, ordinally, so both engines (and any database collation) give one order.
        return rows
            .Select(r => new UsageRow(UnixMs.ToTime(r.Start), r.WorkspaceId, r.KeyId, r.Requests, r.Units, r.Refused))
            .OrderBy(r => r.Start)
            .ThenBy(r => byKey ? r.KeyId : r.WorkspaceId, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<int> PruneUsageAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
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
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        await _counters.AddAsync(connection, transaction, CounterTable.QuotaUsage, increments.Select(i => (i.LineageId, i.Period, new[] { i.Count })), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(periods);
        // Every period asked for gets an entry: one with no row yet has spent 0.
        var spent = periods.Distinct(StringComparer.Ordinal).ToDictionary(p => p, _ => 0L, StringComparer.Ordinal);
        if (spent.Count == 0)
        {
            return spent;
        }
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Period, long Count)>(new CommandDefinition(
            "SELECT period, count FROM quota_usage WHERE lineage_id = @lineageId AND period" + dialect.InArray("periods"),
            new { lineageId, periods = spent.Keys.ToArray() }, cancellationToken: cancellationToken));
        foreach (var (period, count) in rows)
        {
            spent[period] = count;
        }
        return spent;
    }
}
