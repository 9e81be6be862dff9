using System.Diagnostics.CodeAnalysis;

namespace ApiGateway.AdminApi.Contracts;

/// <summary>An admin credential as listed: never its plaintext or hash.</summary>
public record AdminKeyRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Prefix { get; init; }
    /// <summary><c>owner</c> or <c>admin</c>.</summary>
    public required string Role { get; init; }
    /// <summary><c>active</c> or <c>revoked</c>.</summary>
    public required string Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string? CreatedBy { get; init; }
    public required DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>The creation response: the record plus the plaintext credential, shown this once.</summary>
public sealed record CreatedAdminKey : AdminKeyRecord
{
    [SetsRequiredMembers]
    public CreatedAdminKey(AdminKeyRecord record, string key)
        : base(record)
    {
        Key = key;
    }

    public string Key { get; }

    public override string ToString() => $"CreatedAdminKey {{ Id = {Id} }}";
}

/// <summary><c>POST /v1/admin-keys</c>.</summary>
public sealed record CreateAdminKeyRequest
{
    public string? Name { get; init; }
    /// <summary><c>admin</c> (default) or <c>owner</c>.</summary>
    public string? Role { get; init; }
}
