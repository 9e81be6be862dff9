using System.Security.Claims;
using System.Text.Encodings.Web;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;admin credential&gt;</c> by its hash. No header is <c>NoResult</c> (the
/// challenge then adds no <c>error</c>); an unknown or revoked credential fails identically; the token itself is never
/// logged, kept or echoed. Failures count against <see cref="SignInThrottle"/> like the console's: past its limits the
/// credential is not checked and the challenge answers 429 with <c>Retry-After</c>.
/// </summary>
internal sealed partial class AdminCredentialHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    IAdminCredentialStore credentials,
    KeyHasher hasher,
    SignInThrottle throttle,
    FailedSignInAudit audit,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "AdminCredential";

    // Generated credentials are ~60 characters; an operator's bootstrap secret may be longer, but not this long.
    private const int MaxTokenLength = 512;
    private const string RetryAfterItem = "agw.retryAfter";
    private static readonly AuthenticateResult Invalid = AuthenticateResult.Fail("Invalid admin credential.");

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // An endpoint open to everyone (GitHub's leak reports, health) never reads the credential: checking it there
        // let anyone on the internet spend the sign-in throttle's per-address and per-credential budgets (and write
        // failed sign-in audit rows) on a path that needs no credential, locking operators out.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return AuthenticateResult.NoResult();
        }
        switch (BearerToken.TryRead(Request.Headers.Authorization, out var bearer))
        {
            case BearerToken.Outcome.None:
                return AuthenticateResult.NoResult();
            case BearerToken.Outcome.Ambiguous:
                // Two Authorization headers: a malformed credential, as at the gateway (they were once joined with a comma
                // and looked up as one token, which matched nothing).
                Log.CredentialRejected(Logger);
                return Invalid;
        }
        var token = bearer.ToString();
        var client = Context.Connection.RemoteIpAddress;
        using var gate = await throttle.EnterAsync(SignInAttempt.From(client, token), Context.RequestAborted);
        if (gate.IsRefused)
        {
            Log.CredentialThrottled(Logger);
            return Throttled(gate.RetryAfter);
        }
        var credential = token.Length > MaxTokenLength
            ? null
            : await credentials.FindActiveByHashAsync(hasher.Hash(token), Context.RequestAborted);
        if (credential is null)
        {
            var limitReached = gate.Failed();
            gate.Dispose();
            Log.CredentialRejected(Logger);
            await audit.RecordAsync(FailedSignInAudit.ViaApi, client, token, limitReached, Context.RequestAborted);
            return Invalid;
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, credential.Id),
                new Claim(ClaimTypes.Name, credential.Name),
                new Claim(ClaimTypes.Role, credential.Role.ToWire()),
            ],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Properties?.GetParameter<TimeSpan?>(RetryAfterItem) is { } retryAfter)
        {
            await SignInThrottledProblem.WriteAsync(Context, retryAfter);
            return;
        }
        var sent = result.Failure is not null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = sent ? "Bearer realm=\"admin\", error=\"invalid_token\"" : "Bearer realm=\"admin\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = sent ? "Invalid admin credential" : "Missing or invalid Authorization header",
                Detail = sent
                    ? "The admin credential is unknown or revoked."
                    : "Send an admin credential as 'Authorization: Bearer <credential>'.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Owner role required",
                Detail = "Only owner credentials may manage admin credentials.",
            },
        });
    }

    private static AuthenticateResult Throttled(TimeSpan retryAfter)
    {
        var properties = new AuthenticationProperties();
        properties.SetParameter<TimeSpan?>(RetryAfterItem, retryAfter);
        return AuthenticateResult.Fail("Too many failed admin sign-ins.", properties);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "An admin credential was rejected (unknown, revoked or oversized).", EventName = "AdminCredentialRejected")]
        public static partial void CredentialRejected(ILogger logger);

        [LoggerMessage(2, LogLevel.Debug, "An admin credential was not checked: too many failed sign-ins from this client or with this prefix.", EventName = "AdminCredentialThrottled")]
        public static partial void CredentialThrottled(ILogger logger);
    }
}
