namespace ApiGateway.Gateway.Access;

internal static class KeyAccessExtensions
{
    /// <summary>
    /// After routing and the edge filters (unmatched paths, keys in the query string, upgrades, body limits), before the
    /// proxy: verifies the key, checks the route's access rules and admits the request against its limits
    /// (<see cref="KeyAccessMiddleware"/>). Its parts are registered by <c>AddApiKeyAuthentication</c>,
    /// <c>AddRouteScopes</c> and <c>AddKeyRateLimits</c>.
    /// </summary>
    public static IApplicationBuilder UseKeyAccess(this IApplicationBuilder app) => app.UseMiddleware<KeyAccessMiddleware>();
}
