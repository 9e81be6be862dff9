using System.Text.Json.Serialization;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Proxy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiGateway.Gateway.Health;

/// <summary>
/// The internal-port endpoints. <see cref="MapInternalEndpoints"/> returns the group, so other features add theirs
/// (<c>/metrics</c>) with the same rules: internal port only, no key.
/// </summary>
internal static class HealthEndpoints
{
    public static RouteGroupBuilder MapInternalEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").AllowAnonymous().WithMetadata(InternalEndpointMetadata.Instance);
        group.MapGet("/healthz", Alive).WithName("Healthz");
        group.MapGet("/readyz", Ready).WithName("Readyz");
        return group;
    }

    private static Ok<HealthReport> Alive() => TypedResults.Ok(new HealthReport("alive", null, null));

    private static Task Ready(HttpContext context, StoreHealth store, RoutesFileMonitor routes)
    {
        var storeReachable = store.IsReachable;
        var routesLoaded = routes.Loaded;
        if (storeReachable && routesLoaded)
        {
            return TypedResults.Ok(new HealthReport("ready", "reachable", "loaded")).ExecuteAsync(context);
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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Routes);
