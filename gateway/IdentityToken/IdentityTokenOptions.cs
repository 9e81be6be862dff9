namespace ApiGateway.Gateway.IdentityToken;

/// <summary>The <c>Gateway:IdentityToken</c> section: a signed JWT per forwarded request (docs/identity-token.md).</summary>
internal sealed class IdentityTokenOptions
{
    public const string SectionName = "Gateway:IdentityToken";
    public const int MaxLifetimeSeconds = 300;

    /// <summary>The path of the signing key the gateway creates when <see cref="SigningKeyFiles"/> is empty.</summary>
    public const string GeneratedKeyFile = "data/identity-signing-key.pem";

    /// <summary>Adds <c>X-Api-Key-Token</c> to every request forwarded on a key-protected route, and serves the JWKS.</summary>
    public bool Enabled { get; set; }

    /// <summary>The <c>iss</c> claim.</summary>
    public string Issuer { get; set; } = "api-gateway";

    /// <summary>From <c>iat</c> to <c>exp</c>, 1-300 seconds.</summary>
    public int LifetimeSeconds { get; set; } = 60;

    /// <summary>EC P-256 private keys as PEM files: the first signs, all are published. Also one comma-separated string.</summary>
    public List<string> SigningKeyFiles { get; set; } = [];
}
