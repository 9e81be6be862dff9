using System.Collections.Frozen;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Proxy;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Keys.Format;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Keys travelling in the URL: query parameters named like a key (any case, any value, even empty), and one of our own
/// keys in any parameter or path segment whatever its name (<see cref="KeysInUrl"/>). Refused with 400 on every proxy
/// route, public ones included, before any key is read. A URL ends up in logs, histories and referrers, whatever route
/// it was sent to.
/// </summary>
internal static class QueryStringKeys
{
    private static readonly FrozenSet<string> Names = FrozenSet.Create("api_key", "apikey", "key", "token", "access_token");

    /// <summary>After route matching (a path no route matches stays a 404) and before authentication.</summary>
    public static IApplicationBuilder UseQueryStringKeysRefused(this IApplicationBuilder app)
    {
        var keys = new KeysInUrl(app.ApplicationServices.GetRequiredService<KeyFormat>());
        return app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>() is null
                || (!Present(context.Request) && !keys.Present(context.Request)))
            {
                return next(context);
            }
            ApiKeyRequestFeature.For(context).FailureReason = GatewayProblems.QueryStringKey.FailureReason;
            return GatewayProblems.WriteAsync(context, GatewayProblems.QueryStringKey);
        });
    }

    /// <summary>Names as lenient upstreams read them (<see cref="QueryParameterNames"/>): <c>?+api_key=</c>, <c>?a=1;token=</c> and <c>?KEY%00=</c> count.</summary>
    public static bool Present(HttpRequest request) =>
        request.QueryString.HasValue && QueryParameterNames.Contains(request.QueryString.Value, Names);
}
