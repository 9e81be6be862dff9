using System.Globalization;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Requests;
using ApiGateway.Keys.Model;
using Microsoft.Net.Http.Headers;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Admits a request whose key passed every access check against its lineage's limits (so a 401/403 never spends
/// anything). Every request that reaches the limiter gets the RateLimit headers, set as the response starts so they
/// survive a proxy error that clears the response and replace any upstream copy; a refusal is a 429 problem with
/// <c>Retry-After</c>. Not <c>async</c>: a decision made synchronously costs no state machine, and an admitted request
/// allocates only its <c>RateLimit</c> header value (the policy header is cached per policy).
/// </summary>
internal sealed partial class RateLimitAdmission(
    IKeyRateLimiter limiter, RateLimitPolicyResolver policies, QuotaExhaustions exhaustions, ILogger<RateLimitAdmission> logger)
{
    /// <summary>Decides <paramref name="key"/>'s request; calls <paramref name="next"/> when it is admitted, else answers it.</summary>
    public Task AdmitAsync(HttpContext context, ApiKeyRequestFeature feature, ApiKey key, RequestDelegate next)
    {
        var pending = DecideAsync(key, context.RequestAborted);
        return pending.IsCompletedSuccessfully
            ? Apply(context, feature, key, pending.Result, next)
            : AwaitAndApplyAsync(context, feature, key, pending, next);
    }

    /// <summary>
    /// Spends one request of <paramref name="key"/>'s lineage limits and returns the decision without answering anything:
    /// for callers that report it in their own format (<c>POST /v1/verify</c>, docs/forward-auth.md).
    /// </summary>
    public ValueTask<RateLimitDecision> DecideAsync(ApiKey key, CancellationToken cancellationToken)
    {
        var pending = limiter.AcquireAsync(new RateLimitRequest(key.LineageId, policies.Resolve(key)), cancellationToken);
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
        var detail = decision.Refusal switch
        {
            RateLimitRefusal.DailyQuota => string.Create(CultureInfo.InvariantCulture, $"The daily quota of {decision.Daily?.Limit} requests is spent."),
            RateLimitRefusal.MonthlyQuota => string.Create(CultureInfo.InvariantCulture, $"The monthly quota of {decision.Monthly?.Limit} requests is spent."),
            _ => string.Create(CultureInfo.InvariantCulture, $"The limit of {decision.Policy.Limit} requests per {decision.Policy.PeriodSeconds} seconds is spent."),
        };
        return GatewayProblems.WriteAsync(context, GatewayProblems.RateLimited, detail);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.RequestRateLimited, LogLevel.Debug, "Request of key {KeyId} refused: {Refusal}.", EventName = nameof(EventIds.RequestRateLimited))]
        public static partial void Refused(ILogger logger, string keyId, RateLimitRefusal refusal);
    }
}
