namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>The create-key form as posted.</summary>
public sealed class CreateKeyInput
{
    public string? Name { get; set; }
    public string? Workspace { get; set; }
    public string? Owner { get; set; }
    public List<string> Scopes { get; set; } = [];
    public int? ExpiresInDays { get; set; }
    public string Mode { get; set; } = "live";
    public string? Tier { get; set; }
    public string? Submission { get; set; }
}
