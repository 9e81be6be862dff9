namespace ApiGateway.Keys.Model;

/// <summary>What a reported leak does to a live key (<c>Leaks:Action</c>).</summary>
public enum LeakAction
{
    /// <summary>The key is revoked exactly as by <c>DELETE</c>.</summary>
    Revoke,
    /// <summary>The key keeps working; its record shows <c>leakedAt</c> and <c>leakSource</c>.</summary>
    Flag,
}

/// <summary>The outcome of one reported candidate, in the wire names of <c>POST /v1/leaks</c>.</summary>
public enum LeakResult
{
    Revoked,
    Flagged,
    AlreadyRevoked,
    Unknown,
    /// <summary>Bad shape or checksum: decided without touching the store.</summary>
    InvalidFormat,
}

/// <summary>Who reported a leak and where it was found (both optional; never the key itself).</summary>
public sealed record LeakReport(string? Source, string? Url);

public static class LeakNames
{
    public static string ToWire(this LeakResult result) => result switch
    {
        LeakResult.Revoked => "revoked",
        LeakResult.Flagged => "flagged",
        LeakResult.AlreadyRevoked => "already_revoked",
        LeakResult.Unknown => "unknown",
        LeakResult.InvalidFormat => "invalid_format",
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };
}

/// <summary>
/// The leak rule, applied to the key as read under its row lock: a live key is revoked (or flagged); a revoked key stays
/// as it was but records the report. The first report's time is kept; a later one updates only the source.
/// </summary>
public static class KeyLeakRules
{
    public static (LeakResult Result, ApiKey Key) Apply(ApiKey current, LeakAction action, string? source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        var reported = current with { LeakedAt = current.LeakedAt ?? now, LeakSource = source ?? current.LeakSource };
        if (current.RevokedAt is not null && current.RevokedAt <= now)
        {
            return (LeakResult.AlreadyRevoked, reported);
        }
        return action == LeakAction.Revoke
            ? (LeakResult.Revoked, reported with { RevokedAt = now })
            : (LeakResult.Flagged, reported);
    }
}
