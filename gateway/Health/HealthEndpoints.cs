using System.Text.Json.Serialization;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Proxy;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Gateway.Shadow;

namespace ApiGateway.Gateway.Health;

/// <summary>
/// The internal-port endpoints. <see cref="MapInternalEndpoints"/> returns the group, so other features add theirs
/// (<c>/metrics</c>) with the same rules: internal port only, no key.
/// </summary>
internal static class HealthEndpoints
{
    private const string StartingDetail = "Not ready: starting, not every listener is bound yet.";

    public static RouteGroupBuilder MapInternalEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").AllowAnonymous().WithMetadata(InternalEndpointMetadata.Instance);
        group.MapGet("/healthz", Alive).WithName("Healthz");
        group.MapGet("/readyz", Ready).WithName("Readyz");
        return group;
    }

    /// <summary>Alive once every listener is bound: until then a client told "alive" could find a public port refusing.</summary>
    private static Task Alive(HttpContext context, ListenersBound listeners) =>
        listeners.IsTrue
            ? TypedResults.Ok(new HealthReport("alive", null, null)).ExecuteAsync(context)
            : GatewayProblems.WriteAsync(context, GatewayProblems.NotReady, StartingDetail);

    /// <remarks>
    /// A shared limiter (Redis) that is down makes the gateway <c>degraded</c>, still 200: every gateway shares the same
    /// Redis, so taking them out of the load balancer would not help; each tier's <c>RedisFailure</c> decides instead.
    /// </remarks>
    private static Task Ready(HttpContext context, ListenersBound listeners, StoreHealth store, RoutesFileMonitor routes, RateLimitBackendHealth limiter,
        ShadowRoutes shadow)
    {
        if (!listeners.IsTrue)
        {
            return GatewayProblems.WriteAsync(context, GatewayProblems.NotReady, StartingDetail);
        }
        var storeReachable = store.IsReachable;
        var routesLoaded = routes.Loaded;
        if (storeReachable && routesLoaded)
        {
            var report = !limiter.IsShared
                ? new HealthReport("ready", "reachable", "loaded")
                : limiter.IsUp
                    ? new HealthReport("ready", "reachable", "loaded", "redis")
                    : new HealthReport("degraded", "reachable", "loaded", "unreachable");
            // A shadow routes file never changes readiness: it is shown, failed or not (docs/gateway.md "Shadow routes").
            report = report with { ShadowRoutes = shadow.State };
            return TypedResults.Ok(report).ExecuteAsync(context);
        }
        var reasons = new List<string>();
        if (!storeReachable)
        {
            reasons.Add("the key store has not been reached within Auth:StaleSeconds");
        }
        if (!routesLoaded)
        {
            reasons.Add("the routes are not loaded");
        }
        return GatewayProblems.WriteAsync(context, GatewayProblems.NotReady, $"Not ready: {string.Join("; ", reasons)}.");
    }
}

internal sealed record HealthReport(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Store,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Routes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RateLimiter = null)
{
    /// <summary><c>Gateway:ShadowRoutesFile</c>'s state; absent when none is configured.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ShadowRoutesState? ShadowRoutes { get; init; }
}
