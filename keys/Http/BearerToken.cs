using Microsoft.Extensions.Primitives;

namespace ApiGateway.Keys.Http;

/// <summary>
/// Reads <c>Authorization: Bearer &lt;token&gt;</c> for both processes (docs/security.md): the scheme is
/// case-insensitive, one or more spaces or tabs separate it from the token, surrounding spaces and tabs are ignored,
/// and an empty token counts as no credential. More than one <c>Authorization</c> header is ambiguous: refused as a
/// malformed credential rather than guessing which one counts.
/// </summary>
public static class BearerToken
{
    private const string Scheme = "Bearer";

    public enum Outcome
    {
        /// <summary>No Authorization header, another scheme, or an empty Bearer token.</summary>
        None,
        Token,
        /// <summary>More than one Authorization header.</summary>
        Ambiguous,
    }

    /// <summary>Reads the request's <c>Authorization</c> header values; <paramref name="token"/> is set only for <see cref="Outcome.Token"/>.</summary>
    public static Outcome TryRead(StringValues authorization, out ReadOnlySpan<char> token)
    {
        token = default;
        return authorization.Count switch
        {
            0 => Outcome.None,
            1 => TryRead(authorization[0], out token) ? Outcome.Token : Outcome.None,
            _ => Outcome.Ambiguous,
        };
    }

    /// <summary>Reads one header value; false when it carries no Bearer token.</summary>
    public static bool TryRead(ReadOnlySpan<char> header, out ReadOnlySpan<char> token)
    {
        token = default;
        header = header.Trim(" \t");
        if (header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            || header[Scheme.Length] is not (' ' or '\t'))
        {
            // "Bearer" alone is an empty token: no credential.
            return false;
        }
        token = header[Scheme.Length..].Trim(" \t");
        return !token.IsEmpty;
    }
}
