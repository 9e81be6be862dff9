using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Mutations;

/// <summary>
/// One key brought in from another system (<c>POST /v1/keys/import</c>): the SHA-256 of its plaintext, which we never
/// see, the visible prefix to list it by, and the same fields as a mint, validated by the admin API before it gets here.
/// </summary>
public sealed record KeyImport(KeyHash Hash, string Prefix, KeySpec Spec)
{
    public override string ToString() => $"KeyImport {{ Prefix = {Prefix} }}";
}

public enum ImportKeysStatus
{
    Imported,
    /// <summary>A key with the hash of the item at <see cref="ImportKeysResult.Index"/> is stored already.</summary>
    HashExists,
    /// <summary>The item at <see cref="ImportKeysResult.Index"/> repeats the hash of an earlier item of the same import.</summary>
    DuplicateInImport,
    /// <summary>The item at <see cref="ImportKeysResult.Index"/> would give its owner more active keys than the cap.</summary>
    OwnerLimitReached,
}

/// <summary>The stored keys in input order when imported; otherwise nothing was stored and <see cref="Index"/> names the item refused.</summary>
public sealed record ImportKeysResult(ImportKeysStatus Status, IReadOnlyList<ApiKey> Keys, int Index = -1);
