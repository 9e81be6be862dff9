using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// <see cref="IShadowDecisionStore"/> on either engine. A batch is folded to one row per (route, key, outcome, hour)
/// and upserted in that order in one statement, like <see cref="CounterBatchWriter"/>'s counters, so gateways flushing
/// the same rows at once lock them in one order and cannot deadlock.
/// </summary>
public sealed class ShadowDecisionStore(IStoreDialect dialect) : IShadowDecisionStore
{
    public async Task RecordAsync(IReadOnlyCollection<ShadowDecisionIncrement> increments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        if (increments.Count == 0)
        {
            return;
        }
        var rows = increments
            .GroupBy(i => (i.Route, i.KeyId, i.Outcome, Hour: UnixMs.From(i.HourStart)))
            .Select(g => (g.Key.Route, g.Key.KeyId, g.Key.Outcome, g.Key.Hour, Count: g.Sum(i => i.Count), LastSeen: UnixMs.From(g.Max(i => i.LastSeenAt))))
            .ToArray();
        var parameters = dialect.BatchParameters(
        [
            ("route", rows.Select(r => r.Route).ToArray()),
            ("key_id", rows.Select(r => r.KeyId).ToArray()),
            ("outcome", rows.Select(r => r.Outcome).ToArray()),
            ("hour", rows.Select(r => r.Hour).ToArray()),
            ("count", rows.Select(r => r.Count).ToArray()),
            ("last_seen_at", rows.Select(r => r.LastSeen).ToArray()),
        ]);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        // Only forward: a batch flushed late by one gateway never moves a row's last-seen time back.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO shadow_decisions (route, key_id, outcome, hour, count, last_seen_at) " +
            "SELECT route, key_id, outcome, hour, count, last_seen_at FROM " +
            dialect.BatchRows("route", "key_id", "outcome", "hour", "count", "last_seen_at") +
            " WHERE true ORDER BY route, key_id, outcome, hour " +
            "ON CONFLICT (route, key_id, outcome, hour) DO UPDATE SET count = shadow_decisions.count + excluded.count, " +
            "last_seen_at = CASE WHEN excluded.last_seen_at > shadow_decisions.last_seen_at THEN excluded.last_seen_at ELSE shadow_decisions.last_seen_at END",
            parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ShadowDecisionSummary>> ListAsync(ShadowDecisionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Route, string Outcome, string KeyId, string? Name, string? WorkspaceId, long Count, long LastSeen)>(
            new CommandDefinition(
                "SELECT d.route, d.outcome, d.key_id, k.name, k.workspace_id, CAST(SUM(d.count) AS BIGINT) AS total, MAX(d.last_seen_at) " +
                "FROM shadow_decisions d LEFT JOIN api_keys k ON k.id = d.key_id " +
                "WHERE d.last_seen_at >= @since AND (@route IS NULL OR d.route = @route) AND (@outcome IS NULL OR d.outcome = @outcome) " +
                "GROUP BY d.route, d.outcome, d.key_id, k.name, k.workspace_id " +
                "ORDER BY d.route, d.outcome, total DESC, d.key_id LIMIT @limit",
                new { since = UnixMs.From(query.Since), route = query.Route, outcome = query.Outcome, limit = query.Limit },
                cancellationToken: cancellationToken));
        return [.. rows.Select(r => new ShadowDecisionSummary(r.Route, r.Outcome, r.KeyId, r.Name, r.WorkspaceId, r.Count, UnixMs.ToTime(r.LastSeen)))];
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM shadow_decisions WHERE last_seen_at < @before", new { before = UnixMs.From(before) }, cancellationToken: cancellationToken));
    }
}
