using System.Security.Claims;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>Owners and admins manage keys; only owners manage admin credentials and import keys.</summary>
internal static class AdminPolicies
{
    public const string ManageKeys = "ManageKeys";
    public const string ManageAdmins = "ManageAdmins";
    /// <summary>Importing keys from another system: owners only, as it brings in credentials minted elsewhere in bulk.</summary>
    public const string ImportKeys = "ImportKeys";

    /// <summary>The acting credential, for audit events.</summary>
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The caller is not authenticated.");
        return new Actor(id, user.Identity?.Name ?? id);
    }
}
