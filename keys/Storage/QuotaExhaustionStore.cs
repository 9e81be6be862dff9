using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// Where gateways record that they refused a lineage for spent quota (docs/webhooks.md "Expiry warnings and spent
/// quotas"): one row per lineage and period, whichever gateway writes first; the admin API turns each into one
/// <c>key.quota_exhausted</c> event (<see cref="IWebhookStore.EmitQuotaExhaustionAsync"/>).
/// </summary>
public interface IQuotaExhaustionStore
{
    /// <summary>Inserts the rows that are not there yet (a pair already recorded, by any gateway, is left as it is).</summary>
    Task RecordAsync(IReadOnlyCollection<QuotaExhaustion> exhaustions, CancellationToken cancellationToken);
}

/// <inheritdoc cref="IQuotaExhaustionStore"/>
public sealed class QuotaExhaustionStore(IStoreDialect dialect) : IQuotaExhaustionStore
{
    public async Task RecordAsync(IReadOnlyCollection<QuotaExhaustion> exhaustions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exhaustions);
        if (exhaustions.Count == 0)
        {
            return;
        }
        var rows = exhaustions.ToArray();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        // "WHERE true": SQLite reads an ON CONFLICT right after INSERT … SELECT … FROM as a join's ON otherwise.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO quota_exhaustions (lineage_id, period, key_id, at) SELECT batch.lineage_id, batch.period, batch.key_id, batch.at FROM " +
            dialect.BatchRows("lineage_id", "period", "key_id", "at") + " WHERE true ON CONFLICT (lineage_id, period) DO NOTHING",
            dialect.BatchParameters([
                ("lineage_id", rows.Select(r => r.LineageId).ToArray()),
                ("period", rows.Select(r => r.Period).ToArray()),
                ("key_id", rows.Select(r => r.KeyId).ToArray()),
                ("at", rows.Select(r => UnixMs.From(r.At)).ToArray()),
            ]), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
