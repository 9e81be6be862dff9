namespace ApiGateway.Gateway.IdentityToken;

/// <summary>The identity token's own claims (besides <c>iss aud sub iat exp</c>); docs/identity-token.md.</summary>
internal static class IdentityTokenClaims
{
    public const string Header = "X-Api-Key-Token";
    public const string WorkspaceId = "workspace_id";
    public const string Owner = "owner";
    public const string Scope = "scope";
    public const string Mode = "mode";
}
