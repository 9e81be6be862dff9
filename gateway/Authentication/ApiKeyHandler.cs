using System.Globalization;
using System.Text.Encodings.Web;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> in the contract's order (a key in the query string was already
/// refused by <see cref="QueryStringKeys"/>): header parsing, format and checksum (no store touched), lookup through
/// <see cref="KeyCache"/> (budgeted per client IP: a spent budget is a 429 without a store query), then status and expiry.
/// Route-dependent checks (IP, workspace, mode, scope) follow in <see cref="RouteAccessHandler"/>. Public routes and
/// requests that matched no proxy route are not looked at. The challenge writes the problem for the failure.
/// </summary>
internal sealed partial class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder,
    KeyFormat format, KeyHasher hasher, KeyCache cache, ClientIpResolver clientIps)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    /// <summary>
    /// Our own category: the base class logs every challenge and failure at Information under the handler's type name,
    /// which <see cref="ApiKeyAuthenticationExtensions"/> filters to Warning. Refusals are Debug events here.
    /// </summary>
    public const string RejectionsCategory = "ApiGateway.Gateway.Authentication.KeyRejections";

    private readonly ILogger _rejections = loggers.CreateLogger(RejectionsCategory);

    // Set with a TooManyInvalidKeys failure; the challenge (same handler instance, same request) sends it as Retry-After.
    private TimeSpan _retryAfter;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var access = Context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>();
        if (access is null || access.Policy.IsPublic)
        {
            // Public routes ignore any credential; internal endpoints and unmatched paths never need one.
            return AuthenticateResult.NoResult();
        }
        var feature = ApiKeyRequestFeature.For(Context);
        // A key in the query string was refused before authentication, on every route (QueryStringKeys).
        switch (BearerToken.TryRead(Request, out var token))
        {
            case BearerToken.Outcome.None:
                return AuthenticateResult.NoResult();
            case BearerToken.Outcome.Ambiguous:
                return KeyRejections.Malformed;
        }
        if (!format.TryParse(token, out var mode) || mode is not (KeyMode.Live or KeyMode.Test))
        {
            return KeyRejections.Malformed;
        }
        var hash = hasher.Hash(token);
        // The failed-lookup budget is per client: behind a trusted proxy that is the forwarded address, not the proxy's.
        var client = clientIps.Resolve(Context) ?? Context.Connection.RemoteIpAddress;
        var lookup = await cache.LookupAsync(hash, client, Context.RequestAborted);
        switch (lookup.Status)
        {
            case KeyLookupStatus.StoreUnavailable:
                return KeyRejections.StoreUnavailable;
            case KeyLookupStatus.Throttled:
                _retryAfter = lookup.RetryAfter;
                return KeyRejections.TooManyInvalidKeys;
        }
        if (lookup.Entry is not { } entry)
        {
            return KeyRejections.Invalid;
        }
        switch (entry.Key.StatusAt(TimeProvider.GetUtcNow()))
        {
            case KeyStatus.Revoked:
                // Byte-identical to an unknown key.
                return KeyRejections.Invalid;
            case KeyStatus.Expired:
                return KeyRejections.Expired;
        }
        feature.Key = entry.Key;
        feature.CachedKey = entry;
        return entry.Success;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var problem = (result.Failure as KeyRejectionException)?.Problem ?? GatewayProblems.MissingCredential;
        ApiKeyRequestFeature.For(Context).FailureReason = problem.FailureReason;
        Log.Refused(_rejections, problem.Status, problem.FailureReason);
        if (ReferenceEquals(problem, GatewayProblems.TooManyInvalidKeys))
        {
            Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(_retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        await GatewayProblems.WriteAsync(Context, problem);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        // Route access failures are written by GatewayAuthorizationResultHandler; this is only a fallback.
        GatewayProblems.WriteAsync(Context, GatewayProblems.InsufficientScope);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Request refused with {Status} ({Reason}).", EventName = "KeyRefused")]
        public static partial void Refused(ILogger logger, int status, string? reason);
    }
}
