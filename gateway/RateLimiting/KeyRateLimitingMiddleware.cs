using System.Globalization;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Problems;
using ApiGateway.Keys.Model;
using Microsoft.Net.Http.Headers;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Admits authenticated, authorized requests against their key lineage's limits (after <c>UseAuthorization</c>, so a
/// 401/403 never spends anything). Every request that reaches the limiter gets the RateLimit headers, set as the
/// response starts so they survive a proxy error that clears the response; a refusal is a 429 problem with
/// <c>Retry-After</c>. Not <c>async</c>: a request with no key, or a decision made synchronously, costs no state machine.
/// </summary>
internal sealed partial class KeyRateLimitingMiddleware(
    RequestDelegate next, IKeyRateLimiter limiter, RateLimitPolicyResolver policies, ILogger<KeyRateLimitingMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<ApiKeyRequestFeature>();
        if (feature?.Key is not { } key || feature.FailureReason is not null)
        {
            return next(context);
        }
        var pending = limiter.AcquireAsync(new RateLimitRequest(key.LineageId, policies.Resolve(key)), context.RequestAborted);
        return pending.IsCompletedSuccessfully
            ? Apply(context, feature, key, pending.Result)
            : AwaitAndApplyAsync(context, feature, key, pending);
    }

    private async Task AwaitAndApplyAsync(HttpContext context, ApiKeyRequestFeature feature, ApiKey key, ValueTask<RateLimitDecision> pending) =>
        await Apply(context, feature, key, await pending);

    private Task Apply(HttpContext context, ApiKeyRequestFeature feature, ApiKey key, RateLimitDecision decision)
    {
        if (decision.Refusal == RateLimitRefusal.BackendUnavailable)
        {
            // Redis is unreachable and the tier fails closed: nothing was decided, so no RateLimit headers.
            context.Response.Headers[HeaderNames.RetryAfter] = "1";
            return GatewayProblems.WriteAsync(context, GatewayProblems.RateLimiterUnavailable);
        }
        var headers = new HeaderValues(context.Response, RateLimitHeaders.Policy(decision), RateLimitHeaders.Limit(decision));
        context.Response.OnStarting(HeaderValues.SetOnStarting, headers);
        if (decision.IsAllowed)
        {
            return next(context);
        }
        feature.RateLimited = true;
        Log.Refused(logger, key.Id, decision.Refusal);
        return RefuseAsync(context, decision);
    }

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

    /// <summary>The state of the OnStarting callback: computed once, written (replacing any upstream copy) as the response starts.</summary>
    private sealed class HeaderValues(HttpResponse response, string policy, string limit)
    {
        public static readonly Func<object, Task> SetOnStarting = static state =>
        {
            var values = (HeaderValues)state;
            values._response.Headers[RateLimitHeaders.PolicyHeaderName] = values._policy;
            values._response.Headers[RateLimitHeaders.LimitHeaderName] = values._limit;
            return Task.CompletedTask;
        };

        private readonly HttpResponse _response = response;
        private readonly string _policy = policy;
        private readonly string _limit = limit;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Request of key {KeyId} refused: {Refusal}.", EventName = "RequestRateLimited")]
        public static partial void Refused(ILogger logger, string keyId, RateLimitRefusal refusal);
    }
}
