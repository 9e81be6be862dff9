using System.Security.Cryptography;

namespace ApiGateway.Keys.Format;

/// <summary>Public identifiers (<c>key_…</c>, <c>adm_…</c>, <c>lin_…</c>): 128 random bits in base62. They are not secrets.</summary>
public static class Ids
{
    private const int Digits = 22;
    private static readonly System.Buffers.SearchValues<char> Base62Digits = System.Buffers.SearchValues.Create(Base62.Alphabet);

    public static string New(string kind) => string.Create(kind.Length + 1 + Digits, kind, static (span, kind) =>
    {
        kind.AsSpan().CopyTo(span);
        span[kind.Length] = '_';
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        Base62.Encode(random, span[(kind.Length + 1)..]);
    });

    /// <summary>A cheap shape check for ids in URLs, so junk is a 404 without a query.</summary>
    public static bool LooksLike(string? id, string kind) =>
        id is not null && id.Length == kind.Length + 1 + Digits && id.StartsWith(kind, StringComparison.Ordinal)
        && id[kind.Length] == '_' && id.AsSpan(kind.Length + 1).ContainsAnyExcept(Base62Digits) is false;
}
