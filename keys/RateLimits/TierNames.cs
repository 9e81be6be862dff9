namespace ApiGateway.Keys.RateLimits;

/// <summary>
/// What a tier may be called. A tier's name becomes an sf-string in the gateway's <c>RateLimit-Policy</c> header, so it
/// keeps to a safe alphabet, and it may not be one of the other item names of that header.
/// </summary>
public static class TierNames
{
    /// <summary>The policy name in the RateLimit headers of a key with its own <c>rateLimit</c>.</summary>
    public const string KeyOverride = "key";

    /// <summary>The daily quota's item in the RateLimit headers.</summary>
    public const string Daily = "daily";

    /// <summary>The monthly quota's item in the RateLimit headers.</summary>
    public const string Monthly = "monthly";

    /// <summary>A workspace's own rate limit in the RateLimit headers (docs/gateway.md "Workspace limits").</summary>
    public const string Workspace = "workspace";

    /// <summary>A workspace's daily quota in the RateLimit headers.</summary>
    public const string WorkspaceDaily = "workspace-daily";

    /// <summary>A workspace's monthly quota in the RateLimit headers.</summary>
    public const string WorkspaceMonthly = "workspace-monthly";

    public static bool IsValid(string name) =>
        name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    public static bool IsReserved(string name) =>
        name.Equals(KeyOverride, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Daily, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Monthly, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Workspace, StringComparison.OrdinalIgnoreCase)
        || name.Equals(WorkspaceDaily, StringComparison.OrdinalIgnoreCase)
        || name.Equals(WorkspaceMonthly, StringComparison.OrdinalIgnoreCase);
}
