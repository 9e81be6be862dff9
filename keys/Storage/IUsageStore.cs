using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>Per-key usage (hourly counts and last use) and per-lineage quota counters, written by gateways in batches.</summary>
public interface IUsageStore
{
    /// <summary>Adds the counts and moves each key's <c>lastUsedAt</c> forward, in one transaction.</summary>
    Task RecordUsageAsync(IReadOnlyCollection<UsageIncrement> increments, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, KeyUsage>> GetUsageAsync(IReadOnlyCollection<string> keyIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes hourly rows that start before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneUsageAsync(DateTimeOffset before, CancellationToken cancellationToken);

    Task AddQuotaUsageAsync(IReadOnlyCollection<QuotaIncrement> increments, CancellationToken cancellationToken);

    /// <summary>Spent quota of a lineage in the named periods; missing periods are 0.</summary>
    Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken);
}
