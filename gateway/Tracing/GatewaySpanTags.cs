using System.Diagnostics;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Metrics;
using ApiGateway.Keys.Format;

namespace ApiGateway.Gateway.Tracing;

/// <summary>
/// The attributes of the gateway's server span (docs/tracing.md), read when its response ends from what the pipeline
/// left in <see cref="ApiKeyRequestFeature"/>: key id, workspace, mode, the YARP route id and the outcome. Never the
/// credential, its hash or any header value: only ids and closed-set words.
/// </summary>
internal static class GatewaySpanTags
{
    public const string KeyId = "api_key.id";
    public const string Workspace = "api_key.workspace";
    public const string Mode = "api_key.mode";
    public const string Outcome = "api_key.outcome";
    public const string Route = "http.route";

    /// <summary>Outcome of a request the key admitted (the auth-failure reasons are the other values).</summary>
    public const string Ok = "ok";

    /// <summary>Outcome of a request refused by its rate limit or quota (a 429).</summary>
    public const string RateLimited = "rate_limited";

    public static void Enrich(Activity activity, HttpResponse response)
    {
        var context = response.HttpContext;
        if (GatewayTelemetryMiddleware.RouteId(context) is { } routeId)
        {
            activity.SetTag(Route, routeId); // the route id, not the path template the instrumentation wrote
        }
        if (context.Features.Get<ApiKeyRequestFeature>() is not { } request)
        {
            return;
        }
        if (request.Key is { } key)
        {
            activity.SetTag(KeyId, key.Id);
            activity.SetTag(Mode, key.Mode.ToWire());
        }
        if (request.WorkspaceId is { } workspace)
        {
            activity.SetTag(Workspace, workspace);
        }
        activity.SetTag(Outcome, request.FailureReason ?? (request.RateLimited ? RateLimited : request.Key is not null ? Ok : null));
    }
}
