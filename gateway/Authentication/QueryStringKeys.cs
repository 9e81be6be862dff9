using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Scopes;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// Query parameters that look like a key travelling in the URL (any case, any value, even empty): refused with 400 on
/// every proxy route, public ones included, before any key is read. A URL ends up in logs, histories and referrers,
/// whatever route it was sent to.
/// </summary>
internal static class QueryStringKeys
{
    private static readonly string[] Names = ["api_key", "apikey", "key", "token", "access_token"];

    /// <summary>After route matching (a path no route matches stays a 404) and before authentication.</summary>
    public static IApplicationBuilder UseQueryStringKeysRefused(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>() is null || !Present(context.Request))
            {
                return next(context);
            }
            ApiKeyRequestFeature.For(context).FailureReason = GatewayProblems.QueryStringKey.FailureReason;
            return GatewayProblems.WriteAsync(context, GatewayProblems.QueryStringKey);
        });

    public static bool Present(HttpRequest request)
    {
        if (!request.QueryString.HasValue)
        {
            return false;
        }
        // IQueryCollection has decoded the names; "?key" with no '=' is present with an empty value.
        foreach (var name in request.Query.Keys)
        {
            foreach (var keyName in Names)
            {
                if (Matches(name, keyName))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Compares as PHP reads parameter names, case-insensitively: <c>api.key</c>, <c>api key</c> and <c>api[key</c> are
    /// <c>api_key</c>, and <c>api_key[]</c> or <c>api_key[0]</c> is an array named <c>api_key</c>. <c>-</c> counts as
    /// <c>_</c> too.
    /// </summary>
    private static bool Matches(string parameter, string keyName)
    {
        var name = parameter.AsSpan();
        var bracket = name.IndexOf('[');
        if (bracket > 0 && name[bracket..].Contains(']'))
        {
            name = name[..bracket];
        }
        if (name.Length != keyName.Length)
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i] is '.' or ' ' or '-' or '[' ? '_' : char.ToLowerInvariant(name[i]);
            if (c != keyName[i])
            {
                return false;
            }
        }
        return true;
    }
}
