namespace ApiGateway.Keys.Model;

/// <summary>A credential for the admin API. Owners manage admin credentials; admins and owners manage keys.</summary>
public sealed record AdminCredential
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Prefix { get; init; }
    public required AdminRole Role { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsActive => RevokedAt is null;
}

public enum AdminRole
{
    Admin,
    Owner,
}

public static class AdminRoleNames
{
    public static string ToWire(this AdminRole role) => role == AdminRole.Owner ? "owner" : "admin";

    public static bool TryParse(string? text, out AdminRole role)
    {
        switch (text)
        {
            case "owner": role = AdminRole.Owner; return true;
            case "admin": role = AdminRole.Admin; return true;
            default: role = default; return false;
        }
    }
}
