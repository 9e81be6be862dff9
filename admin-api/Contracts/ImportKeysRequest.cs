namespace ApiGateway.AdminApi.Contracts;

/// <summary><c>POST /v1/keys/import</c>: 1-1000 keys from another system, stored all together or not at all.</summary>
public sealed record ImportKeysRequest
{
    public IReadOnlyList<ImportKeyItem?>? Keys { get; init; }
}

/// <summary>
/// One imported key: the SHA-256 of its plaintext (64 hex digits; we never see the plaintext), the visible prefix to list
/// it by, and the fields of a mint (<c>expiresAt</c> only: an imported key keeps the end it had).
/// </summary>
public sealed record ImportKeyItem : KeyFieldsRequest
{
    public string? Hash { get; init; }
    public string? Prefix { get; init; }
}

/// <summary>The imported keys' records, in input order.</summary>
public sealed record ImportedKeys(IReadOnlyList<KeyRecord> Items);
