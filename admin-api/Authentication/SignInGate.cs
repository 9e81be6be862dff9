using System.Threading.RateLimiting;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>One sign-in attempt's passage through <see cref="SignInThrottle"/>: refused (with a wait), or this attempt's turn to be checked.</summary>
internal sealed class SignInGate : IDisposable
{
    private readonly SignInThrottle? _throttle;
    private readonly SignInAttempt _attempt;
    private RateLimitLease? _turn;

    internal SignInGate(SignInThrottle throttle, SignInAttempt attempt, RateLimitLease turn)
    {
        _throttle = throttle;
        _attempt = attempt;
        _turn = turn;
    }

    private SignInGate(TimeSpan retryAfter) => RetryAfter = retryAfter;

    /// <summary>True when the attempt must not be checked: answer 429 with <see cref="RetryAfter"/>.</summary>
    public bool IsRefused => _throttle is null;

    public TimeSpan RetryAfter { get; }

    public static SignInGate Refused(TimeSpan retryAfter) => new(retryAfter);

    /// <summary>The credential was refused: counts it; returns which partitions it used up (for the audit), if any.</summary>
    public string? Failed() => _throttle?.RecordFailure(_attempt);

    /// <summary>Ends this attempt's turn (once), so the next queued attempt from the same IP or prefix is checked.</summary>
    public void Dispose() => Interlocked.Exchange(ref _turn, null)?.Dispose();
}
