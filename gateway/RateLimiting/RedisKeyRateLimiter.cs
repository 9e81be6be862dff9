using ApiGateway.Gateway.Problems;
using ApiGateway.Keys.Redis;
using StackExchange.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The shared limiter (<c>RateLimits:Redis</c>): one <see cref="RedisRateLimitScript"/> call per request decides rate and
/// quotas for the lineage, and for the workspace's own limits when it has some, atomically in Redis, so every gateway
/// sees the same buckets. Time is the gateway's
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
        var workspace = request.Workspace;
        // The lineage's (and workspace's) local quota counts (read from the store once per process) travel with the call: see SharedQuotaSync.
        var cell = await fallback.Ledger.BeginSharedAsync(request.LineageId, policy, cancellationToken).ConfigureAwait(false);
        var workspaceCell = workspace is { } limit
            ? await fallback.Ledger.BeginSharedAsync(limit.StateId, limit.Policy, cancellationToken).ConfigureAwait(false)
            : null;
        var now = time.GetUtcNow().UtcTicks;
        var calendar = UtcCalendar.At(now);
        var (known, workspaceKnown) = workspaceCell is null
            ? (QuotaLedger.SharedCounts(cell, calendar), default(SharedQuotaSync))
            : QuotaLedger.SharedCounts(cell, workspaceCell, calendar);
        RedisResult result;
        try
        {
            var connection = redis.Current ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected yet.");
            // One script call, one round trip, whether or not the workspace has limits of its own.
            result = await connection.GetDatabase().ScriptEvaluateAsync(
                RedisRateLimitScript.Source,
                workspace is { } w
                    ? RedisRateLimitScript.Keys(KeyPrefix, request.LineageId, w.StateId, calendar)
                    : RedisRateLimitScript.Keys(KeyPrefix, request.LineageId, calendar),
                Arguments(request, now, calendar, known, workspaceKnown)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.Failed();
            var failClosed = policy.FailClosed || workspace?.Policy.FailClosed == true;
            Log.BackendFailed(logger, failClosed, ex.GetType().Name);
            return failClosed
                ? Unavailable(policy)
                : await fallback.AcquireAsync(request, CancellationToken.None).ConfigureAwait(false);
        }
        health.Succeeded();
        var values = (RedisResult[])result!;
        var decision = ToDecision(values, request, now, calendar);
        var keyOutcome = new SharedOutcome(cell, request.LineageId, known, (long)values[4], (long)values[5]);
        if (workspaceCell is null)
        {
            fallback.Ledger.EndShared(cell, request.LineageId, calendar, known, decision.IsAllowed, request.Cost, keyOutcome.DayCount, keyOutcome.MonthCount);
        }
        else
        {
            fallback.Ledger.EndShared(keyOutcome, new SharedOutcome(workspaceCell, workspace!.Value.StateId, workspaceKnown, (long)values[8], (long)values[9]),
                calendar, decision.IsAllowed, request.Cost);
        }
        return decision;
    }

    /// <summary>The script's ARGV (see <see cref="RedisRateLimitScript"/>): the calendar and cost, then 8 values per subject.</summary>
    private static RedisValue[] Arguments(in RateLimitRequest request, long now, UtcCalendar calendar, in SharedQuotaSync known, in SharedQuotaSync workspaceKnown)
    {
        var arguments = new RedisValue[request.Workspace is null ? 14 : 22];
        arguments[0] = now - RedisRateLimitScript.Epoch;
        arguments[1] = calendar.DayEnd - now;
        arguments[2] = calendar.MonthEnd - now;
        arguments[3] = (long)(TimeSpan.FromTicks(calendar.DayEnd - now) + RedisRateLimitScript.QuotaGrace).TotalMilliseconds;
        arguments[4] = (long)(TimeSpan.FromTicks(calendar.MonthEnd - now) + RedisRateLimitScript.QuotaGrace).TotalMilliseconds;
        arguments[5] = request.Cost;
        Subject(arguments, 6, request.Policy, known);
        if (request.Workspace is { } workspace)
        {
            Subject(arguments, 14, workspace.Policy, workspaceKnown);
        }
        return arguments;

        static void Subject(RedisValue[] arguments, int at, RateLimitPolicy policy, in SharedQuotaSync known)
        {
            arguments[at] = policy.EmissionTicks;
            arguments[at + 1] = policy.BurstTicks;
            arguments[at + 2] = policy.Daily ?? 0;
            arguments[at + 3] = policy.Monthly ?? 0;
            arguments[at + 4] = known.DaySpent;
            arguments[at + 5] = known.MonthSpent;
            arguments[at + 6] = known.DayUnmerged;
            arguments[at + 7] = known.MonthUnmerged;
        }
    }

    /// <summary>The script's reply (see <see cref="RedisRateLimitScript"/>) reported as the local limiter reports its own decisions.</summary>
    internal static RateLimitDecision ToDecision(RedisResult[] values, in RateLimitRequest request, long now, UtcCalendar calendar) =>
        RateLimitDecider.Report(
            refusal: (RateLimitRefusal)(long)values[0],
            request.Policy,
            remaining: (long)values[2],
            resetAfterTicks: (long)values[3],
            retryAfterTicks: (long)values[1],
            daySpent: (long)values[4],
            monthSpent: (long)values[5],
            calendar,
            now,
            request.Workspace is { } workspace
                ? RateLimitDecider.WorkspaceReport(workspace.Policy, (long)values[6], (long)values[7], (long)values[8], (long)values[9], calendar, now)
                : null);

    private static RateLimitDecision Unavailable(RateLimitPolicy policy) =>
        new(RateLimitRefusal.BackendUnavailable, policy, 0, TimeSpan.Zero, TimeSpan.FromSeconds(1), null, null);

    private static partial class Log
    {
        [LoggerMessage(EventIds.RedisLimiterFailed, LogLevel.Debug, "Redis rate limiter call failed ({Error}); fail closed: {FailClosed}.", EventName = nameof(EventIds.RedisLimiterFailed))]
        public static partial void BackendFailed(ILogger logger, bool failClosed, string error);
    }
}
