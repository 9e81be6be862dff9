using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>Per-key usage (hourly counts and last use) and per-lineage quota counters, written by gateways in batches.</summary>
public interface IUsageStore
{
    /// <summary>Adds the counts and moves each key's <c>lastUsedAt</c> forward, in one transaction.</summary>
    Task RecordUsageAsync(IReadOnlyCollection<UsageIncrement> increments, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, KeyUsage>> GetUsageAsync(IReadOnlyCollection<string> keyIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The hourly rows in [<c>From</c>, <c>To</c>) summed per bucket and key or workspace, ordered by start, then key id
    /// (grouped by key) or workspace id (grouped by workspace), ordinally. Rows of a key the store does not know are left out.
    /// </summary>
    Task<IReadOnlyList<UsageRow>> QueryUsageAsync(UsageQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes hourly rows that start before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneUsageAsync(DateTimeOffset before, CancellationToken cancellationToken);

    Task AddQuotaUsageAsync(IReadOnlyCollection<QuotaIncrement> increments, CancellationToken cancellationToken);

    /// <summary>Spent quota of a lineage in the named periods; missing periods are 0.</summary>
    Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken);
}
