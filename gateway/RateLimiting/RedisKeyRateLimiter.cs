using ApiGateway.Gateway.Problems;
using ApiGateway.Keys.Redis;
using StackExchange.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The shared limiter (<c>RateLimits:Redis</c>): one <see cref="RedisRateLimitScript"/> call per request decides rate and
/// quotas for the lineage atomically in Redis, so every gateway sees the same bucket. Time is the gateway's
/// <see cref="TimeProvider"/> (sent with the call), which keeps the calendar arithmetic identical to the local limiter and
/// testable with a fake clock; gateways must keep their clocks NTP-synchronised. When Redis cannot be reached, the
/// policy's tier decides: fail open (the local per-instance limiter answers) or closed (a 503 problem). The local
/// limiter also keeps the quota ledger in both modes: every admitted request reaches the store, the fallback starts from
/// what Redis last reported, and what it admitted goes back to Redis with the lineage's next call.
/// </summary>
internal sealed partial class RedisKeyRateLimiter(
    RedisConnection redis,
    LocalKeyRateLimiter fallback,
    RateLimitBackendHealth health,
    TimeProvider time,
    ILogger<RedisKeyRateLimiter> logger) : IKeyRateLimiter
{
    /// <summary>Prefix of every key the limiter writes.</summary>
    public const string KeyPrefix = "agw:rl:";

    public ValueTask<RateLimitDecision> AcquireAsync(RateLimitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Policy);
        return AcquireCoreAsync(request, cancellationToken);
    }

    private async ValueTask<RateLimitDecision> AcquireCoreAsync(RateLimitRequest request, CancellationToken cancellationToken)
    {
        var policy = request.Policy;
        // The lineage's local quota counts (read from the store once per process) travel with the call: see SharedQuotaSync.
        var cell = await fallback.Ledger.BeginSharedAsync(request, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcTicks;
        var calendar = UtcCalendar.At(now);
        var known = QuotaLedger.SharedCounts(cell, calendar);
        RedisResult result;
        try
        {
            var connection = redis.Current ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected yet.");
            result = await connection.GetDatabase().ScriptEvaluateAsync(
                RedisRateLimitScript.Source,
                RedisRateLimitScript.Keys(KeyPrefix, request.LineageId, calendar),
                [
                    now - RedisRateLimitScript.Epoch,
                    policy.EmissionTicks,
                    policy.BurstTicks,
                    policy.Daily ?? 0,
                    policy.Monthly ?? 0,
                    calendar.DayEnd - now,
                    calendar.MonthEnd - now,
                    (long)(TimeSpan.FromTicks(calendar.DayEnd - now) + RedisRateLimitScript.QuotaGrace).TotalMilliseconds,
                    (long)(TimeSpan.FromTicks(calendar.MonthEnd - now) + RedisRateLimitScript.QuotaGrace).TotalMilliseconds,
                    known.DaySpent,
                    known.MonthSpent,
                    known.DayUnmerged,
                    known.MonthUnmerged,
                ]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.Failed();
            Log.BackendFailed(logger, policy.FailClosed, ex.GetType().Name);
            return policy.FailClosed
                ? Unavailable(policy)
                : await fallback.AcquireAsync(request, CancellationToken.None).ConfigureAwait(false);
        }
        health.Succeeded();
        var values = (RedisResult[])result!;
        var decision = ToDecision(values, policy, now, calendar);
        fallback.Ledger.EndShared(cell, request.LineageId, calendar, known, decision.IsAllowed, (long)values[4], (long)values[5]);
        return decision;
    }

    /// <summary>The script's reply (see <see cref="RedisRateLimitScript"/>) reported as the local limiter reports its own decisions.</summary>
    internal static RateLimitDecision ToDecision(RedisResult[] values, RateLimitPolicy policy, long now, UtcCalendar calendar) =>
        RateLimitDecider.Report(
            refusal: (RateLimitRefusal)(long)values[0],
            policy,
            remaining: (long)values[1],
            resetAfterTicks: (long)values[2],
            retryAfterTicks: (long)values[3],
            daySpent: (long)values[4],
            monthSpent: (long)values[5],
            calendar,
            now);

    private static RateLimitDecision Unavailable(RateLimitPolicy policy) =>
        new(RateLimitRefusal.BackendUnavailable, policy, 0, TimeSpan.Zero, TimeSpan.FromSeconds(1), null, null);

    private static partial class Log
    {
        [LoggerMessage(EventIds.RedisLimiterFailed, LogLevel.Debug, "Redis rate limiter call failed ({Error}); fail closed: {FailClosed}.", EventName = nameof(EventIds.RedisLimiterFailed))]
        public static partial void BackendFailed(ILogger logger, bool failClosed, string error);
    }
}
