namespace ApiGateway.AdminApi.Leaks;

/// <summary>The <c>Leaks</c> section: what a reported leak does, and GitHub's secret-scanning keys (docs/secret-scanning.md).</summary>
public sealed class LeaksOptions
{
    public const string SectionName = "Leaks";

    /// <summary><c>revoke</c> (the key is revoked as by DELETE) or <c>flag</c> (it keeps working; its record shows the leak).</summary>
    public string Action { get; set; } = LeakActions.Revoke;

    /// <summary>GitHub's public keys document (<c>/meta/public_keys/secret_scanning</c>), reread on change; unset: <c>POST /v1/leaks/github</c> is a 404.</summary>
    public string? GitHubPublicKeysFile { get; set; }
}

public static class LeakActions
{
    public const string Revoke = "revoke";
    public const string Flag = "flag";
}
