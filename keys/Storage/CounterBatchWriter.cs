using System.Data.Common;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>A table of counters keyed by (subject, period): hourly usage per key, quota spent per lineage.</summary>
internal sealed record CounterTable(string Name, string SubjectColumn, string PeriodColumn)
{
    public static readonly CounterTable UsageHourly = new("usage_hourly", "key_id", "hour");
    public static readonly CounterTable QuotaUsage = new("quota_usage", "lineage_id", "period");
}

/// <summary>
/// Adds a gateway's batch of counts to a <see cref="CounterTable"/> as one upsert, for usage and quotas alike. The batch
/// is folded to one row per (subject, period) first (an upsert may touch a row once per statement) and inserted in
/// (subject, period) order, so gateways flushing over the same counters at once lock them in one order and cannot deadlock.
/// </summary>
internal sealed class CounterBatchWriter(IStoreDialect dialect)
{
    public Task AddAsync<TPeriod>(DbConnection connection, DbTransaction transaction, CounterTable table,
        IEnumerable<(string Subject, TPeriod Period, long Count)> increments, CancellationToken cancellationToken)
        where TPeriod : notnull
    {
        var rows = increments
            .GroupBy(i => (i.Subject, i.Period))
            .Select(g => (g.Key.Subject, g.Key.Period, Count: g.Sum(i => i.Count)))
            .ToArray();
        var (subject, period) = (table.SubjectColumn, table.PeriodColumn);
        // Table and column names are the constants above; every value is a parameter.
        var sql =
            $"INSERT INTO {table.Name} ({subject}, {period}, count) " +
            $"SELECT {subject}, {period}, count FROM {dialect.BatchRows(subject, period, "count")} WHERE true ORDER BY {subject}, {period} " +
            $"ON CONFLICT ({subject}, {period}) DO UPDATE SET count = {table.Name}.count + excluded.count";
        var parameters = dialect.BatchParameters(
        [
            (subject, rows.Select(r => r.Subject).ToArray()),
            (period, rows.Select(r => r.Period).ToArray()),
            ("count", rows.Select(r => r.Count).ToArray()),
        ]);
        return connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
    }
}
