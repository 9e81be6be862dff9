namespace ApiGateway.Gateway.Authentication;

/// <summary>Query parameters that look like a key travelling in the URL (any case, any value, even empty): refused with 400.</summary>
internal static class QueryStringKeys
{
    private static readonly string[] Names = ["api_key", "apikey", "key", "token", "access_token"];

    public static bool Present(HttpRequest request)
    {
        if (!request.QueryString.HasValue)
        {
            return false;
        }
        foreach (var name in Names)
        {
            // IQueryCollection is case-insensitive; "?key" with no '=' is present with an empty value.
            if (request.Query.ContainsKey(name))
            {
                return true;
            }
        }
        return false;
    }
}
