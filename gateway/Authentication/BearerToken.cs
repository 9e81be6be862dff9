using Microsoft.Net.Http.Headers;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// Reads <c>Authorization: Bearer &lt;token&gt;</c>: the scheme is case-insensitive, spaces or tabs separate it from the
/// token, surrounding whitespace is ignored, and an empty token counts as no credential.
/// </summary>
internal static class BearerToken
{
    public enum Outcome
    {
        /// <summary>No Authorization header, another scheme, or an empty Bearer token.</summary>
        None,
        Token,
        /// <summary>More than one Authorization header: refused as a malformed credential rather than guessing which one counts.</summary>
        Ambiguous,
    }

    public static Outcome TryRead(HttpRequest request, out ReadOnlySpan<char> token)
    {
        token = default;
        var values = request.Headers[HeaderNames.Authorization];
        if (values.Count == 0)
        {
            return Outcome.None;
        }
        if (values.Count > 1)
        {
            return Outcome.Ambiguous;
        }
        var header = (values[0] ?? string.Empty).AsSpan().Trim(" \t");
        const string Scheme = "Bearer";
        if (header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            || header[Scheme.Length] is not (' ' or '\t'))
        {
            // "Bearer" alone is an empty token: no credential.
            return Outcome.None;
        }
        token = header[Scheme.Length..].Trim(" \t");
        return token.IsEmpty ? Outcome.None : Outcome.Token;
    }
}
