using System.Data.Common;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// A table of counters keyed by (subject, period): hourly usage per key (requests, units, refused), quota spent per lineage.
/// </summary>
internal sealed record CounterTable(string Name, string SubjectColumn, string PeriodColumn, string[] CountColumns)
{
    public static readonly CounterTable UsageHourly = new("usage_hourly", "key_id", "hour", ["count", "units", "refused"]);
    public static readonly CounterTable QuotaUsage = new("quota_usage", "lineage_id", "period", ["count"]);
}

/// <summary>
/// Adds a gateway's batch of counts to a <see cref="CounterTable"/> as one upsert, for usage and quotas alike. The batch
/// is folded to one row per (subject, period) first (an upsert may touch a row once per statement) and inserted in
/// (subject, period) order, so gateways flushing over the same counters at once lock them in one order and cannot deadlock.
/// </summary>
internal sealed class CounterBatchWriter(IStoreDialect dialect)
{
    /// <param name="connection">The open connection.</param>
    /// <param name="transaction">The caller's write transaction.</param>
    /// <param name="table">The counters to add to.</param>
    /// <param name="increments">Each row's counts, one per <see cref="CounterTable.CountColumns"/> in that order.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    public Task AddAsync<TPeriod>(DbConnection connection, DbTransaction transaction, CounterTable table,
        IEnumerable<(string Subject, TPeriod Period, long[] Counts)> increments, CancellationToken cancellationToken)
        where TPeriod : notnull
    {
        var columns = table.CountColumns;
        var rows = increments
            .GroupBy(i => (i.Subject, i.Period))
            .Select(g => (g.Key.Subject, g.Key.Period, Counts: Sum(g, columns.Length)))
            .ToArray();
        var (subject, period) = (table.SubjectColumn, table.PeriodColumn);
        var counts = string.Join(", ", columns);
        // Table and column names are the constants above; every value is a parameter.
        var sql =
            $"INSERT INTO {table.Name} ({subject}, {period}, {counts}) " +
            $"SELECT {subject}, {period}, {counts} FROM {dialect.BatchRows([subject, period, .. columns])} WHERE true ORDER BY {subject}, {period} " +
            $"ON CONFLICT ({subject}, {period}) DO UPDATE SET " + string.Join(", ", columns.Select(c => $"{c} = {table.Name}.{c} + excluded.{c}"));
        var parameters = dialect.BatchParameters(
        [
            (subject, rows.Select(r => r.Subject).ToArray()),
            (period, rows.Select(r => r.Period).ToArray()),
            .. columns.Select((column, i) => (column, (Array)rows.Select(r => r.Counts[i]).ToArray())),
        ]);
        return connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
    }

    private static long[] Sum<TPeriod>(IGrouping<(string Subject, TPeriod Period), (string Subject, TPeriod Period, long[] Counts)> rows, int width)
    {
        var sums = new long[width];
        foreach (var row in rows)
        {
            if (row.Counts.Length != width)
            {
                throw new ArgumentException($"Each row needs {width} counts.", nameof(rows));
            }
            for (var i = 0; i < width; i++)
            {
                sums[i] += row.Counts[i];
            }
        }
        return sums;
    }
}
