using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Bench.LimiterComparison;

/// <summary>A store that holds nothing: the benchmark measures the limiter, not SQLite.</summary>
internal sealed class NullQuotaStore : IUsageStore
{
    private static readonly IReadOnlyDictionary<string, long> Empty = new Dictionary<string, long>();

    public Task AddQuotaUsageAsync(IReadOnlyCollection<QuotaIncrement> increments, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken) =>
        Task.FromResult(Empty);

    public Task RecordUsageAsync(IReadOnlyCollection<UsageIncrement> increments, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyDictionary<string, KeyUsage>> GetUsageAsync(IReadOnlyCollection<string> keyIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, KeyUsage>>(new Dictionary<string, KeyUsage>());

    public Task<int> PruneUsageAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<IReadOnlyList<UsageRow>> QueryUsageAsync(UsageQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UsageRow>>([]);
}
