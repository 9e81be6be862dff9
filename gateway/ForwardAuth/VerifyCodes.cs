using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>
/// The <c>code</c> of a <c>POST /v1/verify</c> answer for each refusal the shared checks return (docs/forward-auth.md):
/// a translation of their outcome, not a second decision. <c>INVALID</c> covers a missing, malformed, unknown and revoked
/// key alike, as the edge's byte-identical 401s do.
/// </summary>
internal static class VerifyCodes
{
    public const string Valid = "VALID";
    public const string Invalid = "INVALID";
    public const string Expired = "EXPIRED";
    public const string Disabled = "DISABLED";
    public const string IpDenied = "IP_DENIED";
    public const string WorkspaceDenied = "WORKSPACE_DENIED";
    public const string InsufficientScope = "INSUFFICIENT_SCOPE";
    public const string RateLimited = "RATE_LIMITED";
    public const string UsageExceeded = "USAGE_EXCEEDED";
    public const string StoreUnavailable = "STORE_UNAVAILABLE";

    public static string For(GatewayProblem problem) => problem.FailureReason switch
    {
        AuthFailureReasons.Expired => Expired,
        AuthFailureReasons.Disabled => Disabled,
        AuthFailureReasons.IpDenied => IpDenied,
        AuthFailureReasons.WorkspaceDenied => WorkspaceDenied,
        AuthFailureReasons.InsufficientScope => InsufficientScope,
        AuthFailureReasons.StoreUnavailable => StoreUnavailable,
        // The caller's failed-lookup budget is spent: like the edge's 429, a limit, not a verdict on this key.
        AuthFailureReasons.TooManyInvalidKeys => RateLimited,
        // Two workspace selectors cannot differ here (one field): any other refusal says the key is not usable.
        _ when ReferenceEquals(problem, GatewayProblems.AmbiguousWorkspace) => WorkspaceDenied,
        _ => Invalid,
    };

    public static string For(RateLimitRefusal refusal) => refusal switch
    {
        RateLimitRefusal.None => Valid,
        RateLimitRefusal.Rate or RateLimitRefusal.WorkspaceRate => RateLimited,
        RateLimitRefusal.DailyQuota or RateLimitRefusal.MonthlyQuota
            or RateLimitRefusal.WorkspaceDailyQuota or RateLimitRefusal.WorkspaceMonthlyQuota => UsageExceeded,
        // The shared limiter (Redis) is unreachable and the tier fails closed: the edge answers 503 too.
        _ => StoreUnavailable,
    };
}
