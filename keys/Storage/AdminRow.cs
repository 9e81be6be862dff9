using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>The columns of an admin credential row as every provider returns them (aliases in the SELECT).</summary>
internal sealed class AdminRow
{
    public const string Columns = "id AS Id, prefix AS Prefix, name AS Name, role AS Role, created_at AS CreatedAt, created_by AS CreatedBy, revoked_at AS RevokedAt";

    public const string Insert =
        "INSERT INTO admin_credentials (id, hash, prefix, name, role, created_at, created_by) VALUES (@Id, @Hash, @Prefix, @Name, @Role, @CreatedAt, @CreatedBy)";

    public string Id { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public long CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public long? RevokedAt { get; set; }

    public AdminCredential ToCredential() => new()
    {
        Id = Id,
        Prefix = Prefix,
        Name = Name,
        Role = AdminRoleNames.TryParse(Role, out var role) ? role : throw new InvalidDataException($"Admin credential {Id} has an unknown role."),
        CreatedAt = UnixMs.ToTime(CreatedAt),
        CreatedBy = CreatedBy,
        RevokedAt = UnixMs.ToTime(RevokedAt),
    };

    public static object Parameters(AdminCredential credential, byte[] hash) => new
    {
        credential.Id,
        Hash = hash,
        credential.Prefix,
        credential.Name,
        Role = credential.Role.ToWire(),
        CreatedAt = UnixMs.From(credential.CreatedAt),
        credential.CreatedBy,
    };

    /// <summary>The <c>details</c> of admin audit events: who, never the secret.</summary>
    public static string AuditDetails(AdminCredential credential) =>
        StoreJson.WriteDetails(new() { ["adminId"] = credential.Id, ["adminName"] = credential.Name, ["role"] = credential.Role.ToWire(), ["prefix"] = credential.Prefix });

    /// <summary>What a failed sign-in audit event says: how and from where, never what was sent.</summary>
    public static string AuditDetails(FailedSignIn failure)
    {
        var details = new Dictionary<string, object?> { ["via"] = failure.Via, ["clientIp"] = failure.ClientIp };
        // Dictionary entries are written even when null; leave the optional ones out instead.
        if (failure.TargetedCredentialId is { } adminId)
        {
            details["adminId"] = adminId;
        }
        if (failure.LimitReached is { } limitReached)
        {
            details["limitReached"] = limitReached;
        }
        return StoreJson.WriteDetails(details);
    }
}
