using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Requests;

/// <summary>
/// What the gateway learned about one request, shared by the stages that follow authentication: the rate limiter
/// reads the key, and the telemetry middleware (outermost) reads everything after the response to label metrics
/// and record usage. Set in <c>HttpContext.Features</c>; absent on requests that never reached the key access step.
/// </summary>
internal sealed class ApiKeyRequestFeature
{
    /// <summary>
    /// The key the credential belongs to, set as soon as it is found live (active, not expired), even if the request
    /// is then refused for IP, workspace, mode, scope or rate: such requests still count as the key's usage.
    /// </summary>
    public ApiKey? Key { get; set; }

    /// <summary>The workspace the request acts in (the key's primary one unless the request selected another).</summary>
    public string? WorkspaceId { get; set; }

    /// <summary>Why authentication or authorization refused the request, as a <see cref="Problems.AuthFailureReasons"/> value.</summary>
    public string? FailureReason { get; set; }

    /// <summary>True when the rate limiter or quota refused the request (a 429).</summary>
    public bool RateLimited { get; set; }

    /// <summary>
    /// The units this request spends once admitted: the route's <c>Cost</c> (a verify call's <c>cost</c>), set before the
    /// limiter decides. Usage records it as the request's units only when <see cref="Admitted"/>.
    /// </summary>
    public int Cost { get; set; } = 1;

    /// <summary>True once every check and limit admitted the request (it goes on to the upstream, or verify answers VALID).</summary>
    public bool Admitted { get; set; }

    /// <summary>
    /// The answer refused the request as the edge's 403 or 429 would, though its own status is not one of them (a
    /// <c>POST /v1/verify</c> answer is always 200): usage counts it as refused like the edge's.
    /// </summary>
    public bool RefusedInAnswer { get; set; }

    /// <summary>The cache entry behind <see cref="Key"/> (parsed allow-list), for the route access checks.</summary>
    internal CachedKey? CachedKey { get; set; }

    /// <summary>
    /// The client's address, resolved once by the key access step (<see cref="ClientIpResolver"/>: behind a trusted proxy,
    /// the forwarded one; null when a forwarded chain does not parse). Read by the allow-list check and WebSocket tunnels.
    /// </summary>
    public System.Net.IPAddress? ClientIp { get; set; }

    /// <summary>The <c>RateLimit-Policy</c> value the limiter decided, written as the response starts.</summary>
    public string? RateLimitPolicyHeader { get; set; }

    /// <summary>The <c>RateLimit</c> value the limiter decided, written as the response starts.</summary>
    public string? RateLimitHeader { get; set; }

    /// <summary>The request's feature, created on first use.</summary>
    public static ApiKeyRequestFeature For(Microsoft.AspNetCore.Http.HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<ApiKeyRequestFeature>();
        if (feature is null)
        {
            feature = new ApiKeyRequestFeature();
            context.Features.Set(feature);
        }
        return feature;
    }
}
