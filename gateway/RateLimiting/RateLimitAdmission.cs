using System.Globalization;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Requests;
using ApiGateway.Keys.Model;
using Microsoft.Net.Http.Headers;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Admits a request whose key passed every access check against its lineage's limits and the limits of the workspace it
/// is served for, when that workspace has its own (so a 401/403 never spends anything). Every request that reaches the limiter gets the RateLimit headers, set as the response starts so they
/// survive a proxy error that clears the response and replace any upstream copy; a refusal is a 429 problem with
/// <c>Retry-After</c>. Not <c>async</c>: a decision made synchronously costs no state machine, and an admitted request
/// allocates only its <c>RateLimit</c> header value (the policy header is cached per policy).
/// </summary>
internal sealed partial class RateLimitAdmission(
    IKeyRateLimiter limiter, RateLimitPolicyResolver policies, WorkspaceLimitsCache workspaces, QuotaExhaustions exhaustions, ILogger<RateLimitAdmission> logger)
{
    /// <summary>
    /// Decides <paramref name="key"/>'s request in the workspace it is served for (<see cref="ApiKeyRequestFeature.WorkspaceId"/>),
    /// at its route's cost (<see cref="ApiKeyRequestFeature.Cost"/>); calls <paramref name="next"/> when it is admitted, else answers it.
    /// </summary>
    public Task AdmitAsync(HttpContext context, ApiKeyRequestFeature feature, ApiKey key, RequestDelegate next)
    {
        // The route's Cost (set by the key access step): units of every quota that applies; rate limits count requests.
        var pending = DecideAsync(key, feature.WorkspaceId ?? key.WorkspaceId, feature.Cost, context.RequestAborted);
        return pending.IsCompletedSuccessfully
            ? Apply(context, feature, key, pending.Result, next)
            : AwaitAndApplyAsync(context, feature, key, pending, next);
    }

    /// <summary>
    /// Spends one request of <paramref name="key"/>'s lineage limits, and of <paramref name="workspaceId"/>'s when that
    /// workspace has limits of its own, all decided in one step (one request of each rate limit, <paramref name="cost"/>
    /// units of each quota; a quota with fewer units left refuses and nothing is spent), and returns
    /// the decision without answering anything: for callers that report it in their own format (<c>POST /v1/verify</c>,
    /// docs/forward-auth.md).
    /// </summary>
    public ValueTask<RateLimitDecision> DecideAsync(ApiKey key, string workspaceId, int cost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var policy = policies.Resolve(key);
        var limits = workspaces.GetAsync(workspaceId);
        return limits.IsCompletedSuccessfully
            ? Decide(key, new RateLimitRequest(key.LineageId, policy, policies.ResolveWorkspace(limits.Result), cost), cancellationToken)
            : DecideWhenLoadedAsync(key, policy, limits, cost, cancellationToken);
    }

    /// <summary>The first request for a workspace in this process waits for its limits (one store read, shared).</summary>
    private async ValueTask<RateLimitDecision> DecideWhenLoadedAsync(
        ApiKey key, RateLimitPolicy policy, ValueTask<WorkspaceLimitsEntry> limits, int cost, CancellationToken cancellationToken)
    {
        var entry = await limits.AsTask().WaitAsync(cancellationToken);
        return await Decide(key, new RateLimitRequest(key.LineageId, policy, policies.ResolveWorkspace(entry), cost), cancellationToken);
    }

    private ValueTask<RateLimitDecision> Decide(ApiKey key, RateLimitRequest request, CancellationToken cancellationToken)
    {
        var pending = limiter.AcquireAsync(request, cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            return NoteAsync(key, pending);
        }
        // A quota refusal (from either entry) is noted for the key.quota_exhausted webhook; an admitted request costs one compare.
        exhaustions.Note(key, pending.Result.Refusal);
        return pending;
    }

    private async ValueTask<RateLimitDecision> NoteAsync(ApiKey key, ValueTask<RateLimitDecision> pending)
    {
        var decision = await pending;
        exhaustions.Note(key, decision.Refusal);
        return decision;
    }

    private async Task AwaitAndApplyAsync(HttpContext context, ApiKeyRequestFeature feature, ApiKey key, ValueTask<RateLimitDecision> pending, RequestDelegate next) =>
        await Apply(context, feature, key, await pending, next);

    private Task Apply(HttpContext context, ApiKeyRequestFeature feature, ApiKey key, in RateLimitDecision decision, RequestDelegate next)
    {
        if (decision.Refusal == RateLimitRefusal.BackendUnavailable)
        {
            // Redis is unreachable and the tier fails closed: nothing was decided, so no RateLimit headers.
            context.Response.Headers[HeaderNames.RetryAfter] = "1";
            return GatewayProblems.WriteAsync(context, GatewayProblems.RateLimiterUnavailable);
        }
        feature.RateLimitPolicyHeader = RateLimitHeaders.Policy(decision);
        feature.RateLimitHeader = RateLimitHeaders.Limit(decision);
        // The context itself is the callback's state: nothing is allocated for it.
        context.Response.OnStarting(SetHeadersOnStarting, context);
        if (decision.IsAllowed)
        {
            feature.Admitted = true;
            return next(context);
        }
        feature.RateLimited = true;
        Log.Refused(logger, key.Id, decision.Refusal);
        return RefuseAsync(context, decision);
    }

    private static readonly Func<object, Task> SetHeadersOnStarting = static state =>
    {
        var context = (HttpContext)state;
        if (context.Features.Get<ApiKeyRequestFeature>() is { RateLimitHeader: { } limit, RateLimitPolicyHeader: { } policy })
        {
            context.Response.Headers[RateLimitHeaders.PolicyHeaderName] = policy;
            context.Response.Headers[RateLimitHeaders.LimitHeaderName] = limit;
        }
        return Task.CompletedTask;
    };

    private static Task RefuseAsync(HttpContext context, in RateLimitDecision decision)
    {
        context.Response.Headers[HeaderNames.RetryAfter] =
            Math.Max(1, RateLimitHeaders.Seconds(decision.RetryAfter)).ToString(CultureInfo.InvariantCulture);
        var workspace = decision.Workspace;
        // Says whose limit was spent: a customer hitting the workspace's pooled limit must not go looking at one key.
        var detail = decision.Refusal switch
        {
            RateLimitRefusal.DailyQuota => string.Create(CultureInfo.InvariantCulture, $"The key's daily quota of {decision.Daily?.Limit} units is spent."),
            RateLimitRefusal.MonthlyQuota => string.Create(CultureInfo.InvariantCulture, $"The key's monthly quota of {decision.Monthly?.Limit} units is spent."),
            RateLimitRefusal.WorkspaceRate => string.Create(CultureInfo.InvariantCulture,
                $"The workspace's limit of {workspace?.Policy.Limit} requests per {workspace?.Policy.PeriodSeconds} seconds, shared by all its keys, is spent."),
            RateLimitRefusal.WorkspaceDailyQuota => string.Create(CultureInfo.InvariantCulture,
                $"The workspace's daily quota of {workspace?.Daily?.Limit} units, shared by all its keys, is spent."),
            RateLimitRefusal.WorkspaceMonthlyQuota => string.Create(CultureInfo.InvariantCulture,
                $"The workspace's monthly quota of {workspace?.Monthly?.Limit} units, shared by all its keys, is spent."),
            _ => string.Create(CultureInfo.InvariantCulture, $"The key's limit of {decision.Policy.Limit} requests per {decision.Policy.PeriodSeconds} seconds is spent."),
        };
        return GatewayProblems.WriteAsync(context, GatewayProblems.RateLimited, detail);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.RequestRateLimited, LogLevel.Debug, "Request of key {KeyId} refused: {Refusal}.", EventName = nameof(EventIds.RequestRateLimited))]
        public static partial void Refused(ILogger logger, string keyId, RateLimitRefusal refusal);
    }
}
