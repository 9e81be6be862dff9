using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Shadow;

namespace ApiGateway.Gateway.Access;

/// <summary>
/// The one endpoint-aware step between routing and the proxy that decides whether a request on a key route goes on:
/// credential → key (<see cref="KeyVerifier"/>) → route access (<see cref="RouteAccessCheck"/>: IP, workspace, mode,
/// scope) → limits (<see cref="RateLimitAdmission"/>), each refusal written as its problem (docs/gateway.md error table).
/// Public routes and internal endpoints pass untouched; a path no route matches never gets here (it is a 404 before).
/// </summary>
/// <remarks>
/// Plain code instead of ASP.NET Core's authentication and authorization services: those cost a DI scope, a handler
/// instance, a principal and several tasks per request (docs/benchmark.md). Here a request with a cached key completes
/// every check synchronously and allocates only what it records (<see cref="ApiKeyRequestFeature"/>, the
/// <c>RateLimit</c> header value). Not <c>async</c> for the same reason: only a store read or a shared-limiter round
/// trip makes a state machine.
/// </remarks>
internal sealed partial class KeyAccessMiddleware(
    RequestDelegate next, KeyVerifier verifier, RouteAccessCheck routeAccess, RateLimitAdmission limits, ClientIpResolver clientIps,
    ActiveShadowCandidate shadow, ILoggerFactory loggers)
{
    /// <summary>Refusals are Debug events in this category (docs/gateway.md "Logging"), never Information.</summary>
    public const string RejectionsCategory = "ApiGateway.Gateway.Authentication.KeyRejections";

    private readonly ILogger _rejections = loggers.CreateLogger(RejectionsCategory);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>() is not { } access || access.Policy.IsPublic)
        {
            // Public routes ignore any credential; internal endpoints never need one (UseUnmatchedRoutesNotFound has
            // answered every request that matched neither, so nothing else reaches this point: deny by default).
            return next(context);
        }
        var feature = ApiKeyRequestFeature.For(context);
        var client = feature.ClientIp = clientIps.Resolve(context);
        // The failed-lookup budget is per client: behind a trusted proxy that is the forwarded address, not the proxy's.
        var verifying = verifier.VerifyAsync(context.Request, client ?? context.Connection.RemoteIpAddress, context.RequestAborted);
        return verifying.IsCompletedSuccessfully
            ? Continue(context, feature, access, verifying.Result)
            : ContinueAsync(context, feature, access, verifying);
    }

    private async Task ContinueAsync(HttpContext context, ApiKeyRequestFeature feature, RouteAccess access, ValueTask<KeyVerification> verifying) =>
        await Continue(context, feature, access, await verifying);

    private Task Continue(HttpContext context, ApiKeyRequestFeature feature, RouteAccess access, in KeyVerification verification)
    {
        if (verification.Entry is not { } entry)
        {
            var problem = verification.Problem ?? GatewayProblems.MissingCredential;
            if (ReferenceEquals(problem, GatewayProblems.TooManyInvalidKeys))
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds(verification.RetryAfter);
            }
            return Refuse(context, feature, problem);
        }
        // Set as soon as the key is found live: a request refused from here on still counts as the key's usage.
        feature.Key = entry.Key;
        feature.CachedKey = entry;

        var verdict = routeAccess.Check(context, entry, access, feature.ClientIp);
        feature.WorkspaceId = verdict.WorkspaceId;
        if (shadow.Current is { } candidate)
        {
            // Gateway:ShadowRoutesFile set: the candidate decides too, and only a difference is recorded (docs/gateway.md "Shadow routes").
            candidate.Observe(context, entry, access, feature.ClientIp, verdict.Problem is null);
        }
        if (verdict.Problem is { } refused)
        {
            return ReferenceEquals(refused, GatewayProblems.InsufficientScope)
                ? Refuse(context, feature, refused, verdict.MissingScopes ?? [])
                : Refuse(context, feature, refused);
        }
        feature.Cost = access.Policy.Cost;
        return limits.AdmitAsync(context, feature, entry.Key, next);
    }

    private Task Refuse(HttpContext context, ApiKeyRequestFeature feature, GatewayProblem problem, IReadOnlyList<string>? missingScopes = null)
    {
        feature.FailureReason = problem.FailureReason;
        Log.Refused(_rejections, problem.Status, problem.FailureReason);
        return missingScopes is null
            ? GatewayProblems.WriteAsync(context, problem)
            : GatewayProblems.WriteInsufficientScopeAsync(context, missingScopes);
    }

    private static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventIds.KeyRefused, LogLevel.Debug, "Request refused with {Status} ({Reason}).", EventName = nameof(EventIds.KeyRefused))]
        public static partial void Refused(ILogger logger, int status, string? reason);
    }
}
