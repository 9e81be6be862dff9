using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Format;

/// <summary>
/// Turns a presented token into the hash a key is stored under, or refuses it without a lookup: a key of our format
/// (checksum verified) hashes with <see cref="KeyHasher"/> (peppered when configured); a token matching
/// <see cref="ImportedKeyPattern"/> hashes with plain SHA-256, as imported keys were stored; anything else is malformed.
/// </summary>
public sealed class KeyCredentials(KeyFormat format, KeyHasher hasher, ImportedKeyPattern imported)
{
    private readonly KeyHasher _sha256 = new(pepper: null);

    public KeyFormat Format => format;

    /// <summary>False for a token that is neither our format nor an imported key's: it must never reach the store.</summary>
    public bool TryHash(ReadOnlySpan<char> token, out KeyHash hash)
    {
        if (format.TryParse(token, out var mode) && mode is KeyMode.Live or KeyMode.Test)
        {
            hash = hasher.Hash(token);
            return true;
        }
        if (imported.Matches(token))
        {
            hash = _sha256.Hash(token);
            return true;
        }
        hash = default;
        return false;
    }
}
