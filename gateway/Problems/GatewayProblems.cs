using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace ApiGateway.Gateway.Problems;

/// <summary>
/// Every error the gateway itself answers, as RFC 9457 <c>application/problem+json</c> with a stable <c>type</c>
/// (docs/gateway.md "Errors as implemented"). Bodies carry no trace id or timestamp, so an unknown and a revoked key get
/// byte-identical answers, and the detail never echoes a credential.
/// </summary>
internal static class GatewayProblems
{
    public const string ContentType = "application/problem+json";
    public const string TypeBase = "https://apigateway.dev/problems/";
    private const string Challenge = "Bearer realm=\"api\"";
    private const string InvalidToken = "Bearer realm=\"api\", error=\"invalid_token\"";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly GatewayProblem MissingCredential = new(401, "missing-credential", "Missing or invalid Authorization header",
        "Send the API key as 'Authorization: Bearer <key>'.", Challenge, AuthFailureReasons.Missing);

    public static readonly GatewayProblem QueryStringKey = new(400, "key-in-query", "API keys are not accepted in the query string",
        "Remove the key from the URL (api_key, apikey, key, token, access_token, or a key in any parameter or path segment) and send it as 'Authorization: Bearer <key>'.",
        "Bearer realm=\"api\", error=\"invalid_request\"", AuthFailureReasons.QueryKey);

    public static readonly GatewayProblem MalformedKey = new(401, "malformed-key", "Invalid API key format",
        "The credential is not a well-formed API key: check for a typo or truncation.", InvalidToken, AuthFailureReasons.Malformed);

    /// <summary>Unknown and revoked keys both get exactly this, so the answer never reveals which keys exist.</summary>
    public static readonly GatewayProblem InvalidKey = new(401, "invalid-key", "Invalid API key",
        "The API key is not valid.", InvalidToken, AuthFailureReasons.Invalid);

    public static readonly GatewayProblem ExpiredKey = new(401, "expired-key", "API key has expired",
        "The API key has expired: ask for a new one.", InvalidToken, AuthFailureReasons.Expired);

    /// <summary>A key paused with <c>enabled: false</c>: it exists and is the caller's, so saying so reveals nothing new.</summary>
    public static readonly GatewayProblem DisabledKey = new(403, "disabled-key", "API key is disabled",
        "The API key is disabled: ask its administrator to enable it again.", failureReason: AuthFailureReasons.Disabled);

    public static readonly GatewayProblem IpNotAllowed = new(403, "ip-not-allowed", "IP address not allowed for this key",
        "This key may not be used from the client's IP address.", failureReason: AuthFailureReasons.IpDenied);

    public static readonly GatewayProblem WorkspaceNotAllowed = new(403, "workspace-not-allowed", "Workspace not allowed for this key",
        "The key does not hold the selected workspace.", failureReason: AuthFailureReasons.WorkspaceDenied);

    public static readonly GatewayProblem AmbiguousWorkspace = new(400, "ambiguous-workspace", "Conflicting workspace selection",
        "X-Workspace-Id and workspace_id select different workspaces, or one of them is repeated with different values.",
        failureReason: AuthFailureReasons.WorkspaceDenied);

    public static readonly GatewayProblem TestKeyNotAllowed = new(403, "test-key-not-allowed", "Test keys are not allowed on this route",
        "This route accepts live keys only.", failureReason: AuthFailureReasons.ModeDenied);

    /// <summary>A forward-auth question with a test key on a route whose test keys go to a <c>TestCluster</c>, which the asking proxy cannot do.</summary>
    public static readonly GatewayProblem TestKeyNeedsTestCluster = new(403, "test-key-not-allowed", "Test keys are not allowed on this route",
        "Behind forward-auth this route cannot send test keys to its test cluster: use a live key, or a route without TestCluster that your proxy routes by X-Api-Key-Mode.",
        failureReason: AuthFailureReasons.ModeDenied);

    /// <summary>The detail and <c>WWW-Authenticate</c> scope list are filled in per request (see <see cref="WriteInsufficientScopeAsync"/>).</summary>
    public static readonly GatewayProblem InsufficientScope = new(403, "insufficient-scope", "Insufficient scope",
        "The key lacks a scope this route requires.", failureReason: AuthFailureReasons.InsufficientScope);

    public static readonly GatewayProblem KeyStoreUnavailable = new(503, "key-store-unavailable", "Key store unavailable",
        "The key could not be verified right now; retry shortly.", failureReason: AuthFailureReasons.StoreUnavailable);

    /// <summary>The client's failed-lookup budget is spent; <c>Retry-After</c> (set per request) says when its window ends.</summary>
    public static readonly GatewayProblem TooManyInvalidKeys = new(429, "too-many-invalid-keys", "Too many invalid API keys",
        "This client sent too many unknown API keys; keys it has not used successfully are refused until the time in Retry-After.",
        failureReason: AuthFailureReasons.TooManyInvalidKeys);

    public static readonly GatewayProblem NotFound = new(404, "not-found", "Not Found",
        "No route matches this path.");

    /// <summary>A method a route could name but none does (TRACE, <c>get</c>); <c>Allow</c> lists the accepted ones.</summary>
    public static readonly GatewayProblem MethodNotAllowed = new(405, "method-not-allowed", "Method not allowed",
        "The gateway does not accept this request method; the Allow header lists the methods it accepts.");

    /// <summary>A method token no route can ever match.</summary>
    public static readonly GatewayProblem MethodNotImplemented = new(501, "method-not-implemented", "Method not implemented",
        "The gateway does not implement this request method.");

    /// <summary>A path some upstream would read as another path (gateway/Proxy/AmbiguousPaths.cs; docs/security.md "Paths").</summary>
    public static readonly GatewayProblem InvalidRequestPath = new(400, "invalid-request-path", "Invalid request path",
        "The path holds a form that upstream servers read differently ('%' after decoding, '\\', ';', an empty or dot segment, a segment ending in '.' or a space, a control, invisible or compatibility character): send the plain normalised path.");

    public static readonly GatewayProblem UpgradeNotAllowed = new(400, "upgrade-not-allowed", "Upgrade not allowed",
        "This route does not accept WebSockets or protocol upgrades: a WebSocket handshake needs a route with \"WebSockets\": \"true\", and other upgrades are never forwarded.");

    public static readonly GatewayProblem RequestBodyTooLarge = new(413, "request-body-too-large", "Request body too large",
        "The request body is larger than this route accepts.");

    public static readonly GatewayProblem RateLimited = new(429, "rate-limited", "Rate limit exceeded",
        "The key's rate limit or quota is spent; retry after the time in Retry-After.");

    public static readonly GatewayProblem RateLimiterUnavailable = new(503, "rate-limiter-unavailable", "Rate limiter unavailable",
        "The shared rate limiter cannot be reached and this key's tier fails closed; retry shortly.");

    public static readonly GatewayProblem UpstreamUnavailable = new(503, "upstream-unavailable", "Upstream unavailable",
        "The upstream service is failing; the gateway is refusing requests to it for a short while.");

    public static readonly GatewayProblem BadGateway = new(502, "bad-gateway", "Bad gateway",
        "The upstream service could not be reached or sent an invalid response.");

    public static readonly GatewayProblem UpstreamTimeout = new(504, "upstream-timeout", "Upstream timed out",
        "The upstream service did not answer in time.");

    public static readonly GatewayProblem NotReady = new(503, "not-ready", "Not ready",
        "The gateway is not ready to serve.");

    /// <summary>A forward-auth question whose original method or URI headers cannot describe a request (docs/forward-auth.md).</summary>
    public static readonly GatewayProblem InvalidForwardAuthQuestion = new(400, "invalid-forward-auth-question", "Invalid forward-auth question",
        "X-Forwarded-Method/X-Original-Method and X-Forwarded-Uri/X-Original-URI must each be given at most once, the URI in origin form ('/path?query') of visible ASCII.");

    /// <summary>A <c>POST /v1/verify</c> body that is not the documented JSON object (docs/forward-auth.md).</summary>
    public static readonly GatewayProblem InvalidVerifyRequest = new(400, "invalid-verify-request", "Invalid verify request",
        "The body must be a JSON object with a string 'key' and optional 'scopes' (array of strings), 'workspaceId', 'cost' (1-1000) and 'ip'.");

    /// <summary>Writes <paramref name="problem"/> with its precomputed body, unless the response has started.</summary>
    public static Task WriteAsync(HttpContext context, GatewayProblem problem) =>
        WriteAsync(context, problem, problem.Body, problem.WwwAuthenticate);

    /// <summary>Writes <paramref name="problem"/> with a request-specific detail.</summary>
    public static Task WriteAsync(HttpContext context, GatewayProblem problem, string detail) =>
        WriteAsync(context, problem, Serialize(problem, detail), problem.WwwAuthenticate);

    /// <summary>403 naming the missing scopes in the detail and in <c>WWW-Authenticate</c> (RFC 6750 <c>insufficient_scope</c>).</summary>
    public static Task WriteInsufficientScopeAsync(HttpContext context, IReadOnlyList<string> missing)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(missing);
        if (missing.Count == 0)
        {
            return WriteAsync(context, InsufficientScope, Serialize(InsufficientScope,
                $"This route grants no scope for {context.Request.Method}: no key may use that method here."),
                "Bearer error=\"insufficient_scope\"");
        }
        var list = string.Join(' ', missing);
        var names = string.Join(", ", missing.Select(s => $"'{s}'"));
        var detail = missing.Count == 1
            ? $"This key lacks the scope {names}, required for {context.Request.Method} on this route."
            : $"This key lacks the scopes {names}, required for {context.Request.Method} on this route.";
        return WriteAsync(context, InsufficientScope, Serialize(InsufficientScope, detail),
            $"Bearer error=\"insufficient_scope\", scope=\"{list}\"");
    }

    internal static ReadOnlyMemory<byte> Serialize(GatewayProblem problem, string detail)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", problem.Type);
            writer.WriteString("title", problem.Title);
            writer.WriteNumber("status", problem.Status);
            writer.WriteString("detail", detail);
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory.ToArray();
    }

    private static async Task WriteAsync(HttpContext context, GatewayProblem problem, ReadOnlyMemory<byte> body, string? wwwAuthenticate)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }
        response.StatusCode = problem.Status;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-store";
        if (wwwAuthenticate is not null)
        {
            response.Headers[HeaderNames.WWWAuthenticate] = wwwAuthenticate;
        }
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = "1";
        }
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
