using System.Threading.RateLimiting;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>
/// Limits failed admin sign-ins (the console form and API Bearer credentials alike) per client IP and per credential
/// prefix with System.Threading.RateLimiting partitioned limiters (docs/admin-api.md "Failed sign-ins"). A spent
/// partition refuses the attempt before the credential is checked, so no guess is tested while it lasts; a success never
/// spends anything.
/// </summary>
/// <remarks>
/// Only failures are counted, so a check must not run while another check that could fail is deciding: each client IP and
/// each prefix runs one check at a time (a chained concurrency limiter, queued), and the failure windows are read again
/// once the check's turn comes. A burst of concurrent guesses therefore gets exactly the limit checked, never more.
/// </remarks>
internal sealed partial class SignInThrottle : IAsyncDisposable
{
    /// <summary>Checks waiting for their turn per client IP (and per prefix) before further ones get 429.</summary>
    public const int MaxQueuedChecks = 1_000;

    /// <summary>Retry-After when the queue of checks is full: it drains within milliseconds.</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<SignInAttempt> _ipFailures;
    private readonly PartitionedRateLimiter<SignInAttempt> _prefixFailures;
    private readonly PartitionedRateLimiter<SignInAttempt> _ipChecks;
    private readonly PartitionedRateLimiter<SignInAttempt> _prefixChecks;
    private readonly PartitionedRateLimiter<SignInAttempt> _checks;
    private readonly ILogger<SignInThrottle> _logger;

    public SignInThrottle(IOptions<SignInThrottleOptions> options, TimeProvider time, ILogger<SignInThrottle> logger)
    {
        var settings = options.Value;
        var window = settings.Window;
        _logger = logger;
        _ipFailures = PartitionedRateLimiter.Create<SignInAttempt, string>(attempt =>
            RateLimitPartition.Get(attempt.Client, _ => new ClockWindowLimiter(settings.FailuresPerIp, window, time)));
        _prefixFailures = PartitionedRateLimiter.Create<SignInAttempt, string>(attempt =>
            attempt.Prefix is null || settings.FailuresPerPrefix == 0
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.Get(attempt.Prefix, _ => new ClockWindowLimiter(settings.FailuresPerPrefix, window, time)),
            StringComparer.Ordinal);
        _ipChecks = PartitionedRateLimiter.Create<SignInAttempt, string>(attempt =>
            RateLimitPartition.GetConcurrencyLimiter(attempt.Client, _ => OneCheckAtATime()));
        _prefixChecks = PartitionedRateLimiter.Create<SignInAttempt, string>(attempt =>
            attempt.Prefix is null || settings.FailuresPerPrefix == 0
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetConcurrencyLimiter(attempt.Prefix, _ => OneCheckAtATime()),
            StringComparer.Ordinal);
        // Always the IP's turn first, then the prefix's: one order for every attempt, so no two wait on each other.
        _checks = PartitionedRateLimiter.CreateChained(_ipChecks, _prefixChecks);
    }

    /// <summary>
    /// Waits for this attempt's turn to be checked. A refused gate carries the Retry-After; an open one must be told
    /// <see cref="SignInGate.Failed"/> when the credential is refused, and disposed when the check is over.
    /// </summary>
    public async ValueTask<SignInGate> EnterAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        if (Spent(attempt) is { } early)
        {
            return SignInGate.Refused(early);
        }
        var turn = await _checks.AcquireAsync(attempt, 1, cancellationToken);
        if (!turn.IsAcquired)
        {
            turn.Dispose();
            return SignInGate.Refused(BusyRetryAfter);
        }
        if (Spent(attempt) is { } late)
        {
            turn.Dispose();
            return SignInGate.Refused(late);
        }
        return new SignInGate(this, attempt, turn);
    }

    public async ValueTask DisposeAsync()
    {
        await _checks.DisposeAsync();
        await _ipChecks.DisposeAsync();
        await _prefixChecks.DisposeAsync();
        await _ipFailures.DisposeAsync();
        await _prefixFailures.DisposeAsync();
    }

    /// <summary>Counts one failure in both partitions; says which of them it used up.</summary>
    internal string? RecordFailure(SignInAttempt attempt)
    {
        var ip = SpendOne(_ipFailures, attempt);
        var prefix = SpendOne(_prefixFailures, attempt);
        if (ip)
        {
            Log.ClientLimitReached(_logger, attempt.Client);
        }
        if (prefix)
        {
            Log.PrefixLimitReached(_logger);
        }
        return (ip, prefix) switch
        {
            (true, true) => "ip,prefix",
            (true, false) => "ip",
            (false, true) => "prefix",
            _ => null,
        };
    }

    /// <summary>The longest wait among the spent partitions of <paramref name="attempt"/>; null when neither is spent.</summary>
    private TimeSpan? Spent(SignInAttempt attempt)
    {
        TimeSpan? wait = null;
        foreach (var limiter in (ReadOnlySpan<PartitionedRateLimiter<SignInAttempt>>)[_ipFailures, _prefixFailures])
        {
            using var probe = limiter.AttemptAcquire(attempt, 0);
            if (!probe.IsAcquired)
            {
                var left = probe.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : BusyRetryAfter;
                wait = wait is { } other && other > left ? other : left;
            }
        }
        return wait;
    }

    /// <summary>Spends one permit; true when that was the partition's last.</summary>
    private static bool SpendOne(PartitionedRateLimiter<SignInAttempt> limiter, SignInAttempt attempt)
    {
        using var lease = limiter.AttemptAcquire(attempt, 1);
        return lease.IsAcquired && limiter.GetStatistics(attempt) is { CurrentAvailablePermits: 0 };
    }

    private static ConcurrencyLimiterOptions OneCheckAtATime() => new()
    {
        PermitLimit = 1,
        QueueLimit = MaxQueuedChecks,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Failed admin sign-ins from {Client} reached Admin:SignInThrottle:FailuresPerIp; its further attempts get 429 until the window ends.", EventName = "SignInClientLimitReached")]
        public static partial void ClientLimitReached(ILogger logger, string client);

        // Never the prefix: for an operator-chosen bootstrap secret it is part of the secret.
        [LoggerMessage(2, LogLevel.Warning, "Failed admin sign-ins with one credential prefix reached Admin:SignInThrottle:FailuresPerPrefix; attempts with it get 429 until the window ends.", EventName = "SignInPrefixLimitReached")]
        public static partial void PrefixLimitReached(ILogger logger);
    }
}
