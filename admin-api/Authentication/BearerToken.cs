namespace ApiGateway.AdminApi.Authentication;

/// <summary>
/// Reads <c>Authorization: Bearer &lt;token&gt;</c> as DESIGN.md describes it: the scheme is case-insensitive, one or more
/// spaces or tabs follow it, surrounding whitespace is ignored, and an empty token counts as no credential.
/// </summary>
internal static class BearerToken
{
    private const string Scheme = "Bearer";

    public static bool TryRead(string? header, out string token)
    {
        token = "";
        var value = header.AsSpan().Trim();
        if (value.Length <= Scheme.Length
            || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            || value[Scheme.Length] is not (' ' or '\t'))
        {
            return false;
        }
        var rest = value[Scheme.Length..].Trim();
        if (rest.IsEmpty)
        {
            return false;
        }
        token = rest.ToString();
        return true;
    }
}
