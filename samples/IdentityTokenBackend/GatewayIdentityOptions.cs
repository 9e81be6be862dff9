namespace IdentityTokenBackend;

/// <summary>Where the gateway publishes its keys and what its tokens must say to be meant for this backend.</summary>
internal sealed class GatewayIdentityOptions
{
    public const string SectionName = "GatewayIdentity";

    /// <summary>The gateway's JWKS, on its internal port (reach it over the private network only).</summary>
    public string JwksUrl { get; set; } = "http://127.0.0.1:9091/.well-known/jwks.json";

    /// <summary>The gateway's <c>Gateway:IdentityToken:Issuer</c>.</summary>
    public string Issuer { get; set; } = "api-gateway";

    /// <summary>This backend's cluster id in the gateway's routes file: tokens made for another cluster are refused.</summary>
    public string Audience { get; set; } = "";

    /// <summary>The JWKS URL must be https unless false (a loopback or private-network gateway).</summary>
    public bool RequireHttps { get; set; }
}
