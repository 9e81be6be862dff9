using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Usage;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.Metrics;

/// <summary>
/// The outermost gateway stage: after the rest of the pipeline has answered, it labels the request from what the
/// inner stages left in <see cref="ApiKeyRequestFeature"/> and the matched YARP route, counts it, and records usage
/// for the key whenever one was found live, whatever came after (forwarded, 403, 429): the cost units an admitted
/// request spent, and whether it was refused (answered 403 or 429), docs/billing.md.
/// </summary>
internal sealed class GatewayTelemetryMiddleware(RequestDelegate next, GatewayMetrics metrics, UsageRecorder usage, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var threw = true;
        try
        {
            await next(context);
            threw = false;
        }
        finally
        {
            Record(context, started, threw);
        }
    }

    private void Record(HttpContext context, long started, bool threw)
    {
        // An exception that escapes before the response starts becomes a 500 further out.
        var status = threw && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        var request = context.Features.Get<ApiKeyRequestFeature>();
        var keyId = request?.Key?.Id;
        metrics.RequestCompleted(keyId, RouteId(context), status, time.GetElapsedTime(started));
        if (request is null)
        {
            return;
        }
        if (request.FailureReason is { } reason)
        {
            metrics.AuthFailed(reason);
        }
        if (request.RateLimited)
        {
            metrics.RateLimited(keyId);
        }
        if (keyId is not null)
        {
            usage.Record(keyId, request.Admitted ? request.Cost : 0,
                refused: status is StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests || request.RefusedInAnswer);
        }
    }

    /// <summary>The YARP route id from the matched endpoint (set by routing even when the request is refused before the proxy runs).</summary>
    internal static string? RouteId(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId
        ?? context.Features.Get<IReverseProxyFeature>()?.Route.Config.RouteId;
}
