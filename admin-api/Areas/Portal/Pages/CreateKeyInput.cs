namespace ApiGateway.AdminApi.Portal.Pages;

/// <summary>The portal's create-key form as posted: only what the user chooses (workspace and owner come from the session).</summary>
public sealed class PortalCreateKeyInput
{
    public string? Name { get; set; }
    public List<string> Scopes { get; set; } = [];
    public int? ExpiresInDays { get; set; }
    public string? Submission { get; set; }
}
