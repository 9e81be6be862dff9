using System.Threading.RateLimiting;

namespace ApiGateway.AdminApi.Leaks;

/// <summary>
/// At most <see cref="MaxInFlight"/> GitHub reports are read at once. The endpoint is open to the internet and each report
/// may be 1 MB, read before its signature can be checked: without a bound, connections that send the headers and most of a
/// body and then stall held ~1.4 GB in a review. GitHub retries a 503, so refusing past the bound loses nothing.
/// </summary>
internal sealed class GitHubReportGate : IDisposable
{
    public const int MaxInFlight = 4;

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = MaxInFlight,
        QueueLimit = 0,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>A lease to dispose when the report is done; check <see cref="RateLimitLease.IsAcquired"/>.</summary>
    public RateLimitLease TryEnter() => _limiter.AttemptAcquire();

    public long Available => _limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;

    public void Dispose() => _limiter.Dispose();
}
