namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>
/// Turns the original request target a proxy reports (<c>X-Forwarded-Uri</c>, <c>X-Original-URI</c>: origin form,
/// <c>/path?query</c>, as the client sent it) into the path and query Kestrel would have given the edge for it: the
/// path percent-decoded as UTF-8 except <c>%2F</c>, which stays encoded, and the query raw. Dot segments are left as
/// they are: the edge's ambiguous-path rule refuses them from the raw target either way (docs/security.md "Paths").
/// </summary>
internal static class ForwardedRequestTarget
{
    /// <summary>False for anything that is not an origin-form target of visible ASCII (what Kestrel's request line accepts).</summary>
    public static bool TryParse(string target, out string path, out string query)
    {
        path = query = string.Empty;
        if (target.Length == 0 || target[0] != '/')
        {
            return false;
        }
        foreach (var c in target)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }
        var mark = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = mark < 0 ? target : target[..mark];
        query = mark < 0 ? string.Empty : target[mark..];
        path = Decode(rawPath);
        return true;
    }

    private static readonly string[] EncodedSeparators = ["%2F", "%2f"];

    private static string Decode(string rawPath) =>
        // Kestrel keeps an encoded separator encoded (so that it cannot split a segment); the rest decodes as UTF-8, an
        // invalid sequence staying encoded, which Uri.UnescapeDataString does too.
        !rawPath.Contains('%', StringComparison.Ordinal)
            ? rawPath
            : string.Join("%2F", rawPath.Split(EncodedSeparators, StringSplitOptions.None).Select(Uri.UnescapeDataString));
}
