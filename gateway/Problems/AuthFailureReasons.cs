namespace ApiGateway.Gateway.Problems;

/// <summary>The closed set of <c>reason</c> label values of <c>gateway_auth_failures_total</c> (docs/metrics.md).</summary>
internal static class AuthFailureReasons
{
    public const string Missing = "missing";
    public const string QueryKey = "query_key";
    public const string Malformed = "malformed";
    public const string Invalid = "invalid";
    public const string Expired = "expired";
    /// <summary>The key was paused with <c>enabled: false</c> (a 403; the key is not revoked).</summary>
    public const string Disabled = "disabled";
    public const string IpDenied = "ip_denied";
    public const string WorkspaceDenied = "workspace_denied";
    public const string ModeDenied = "mode_denied";
    public const string InsufficientScope = "insufficient_scope";
    public const string StoreUnavailable = "store_unavailable";
    /// <summary>The client's budget of failed lookups is spent (<c>Auth:FailedLookupsPerMinute</c>): a 429, no store query.</summary>
    public const string TooManyInvalidKeys = "too_many_invalid_keys";

    public static readonly IReadOnlyList<string> All =
        [Missing, QueryKey, Malformed, Invalid, Expired, Disabled, IpDenied, WorkspaceDenied, ModeDenied, InsufficientScope, StoreUnavailable, TooManyInvalidKeys];
}
