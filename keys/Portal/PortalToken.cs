using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ApiGateway.Keys.Portal;

/// <summary>
/// The one-time token in a portal start URL: 32 random bytes, base64url (43 characters). Only its SHA-256 is stored;
/// 256 random bits need no pepper or slow hash to be unguessable from the hash.
/// </summary>
public static class PortalToken
{
    public const int Length = 43;
    private static readonly SearchValues<char> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A cheap shape check, so junk in a URL is a 404 without a query.</summary>
    public static bool LooksLike(string? token) =>
        token is { Length: Length } && !token.AsSpan().ContainsAnyExcept(Alphabet);

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));
}
