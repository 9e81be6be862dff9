using System.Net;

namespace ApiGateway.Gateway.Hosting;

/// <summary>The <c>Gateway</c> section (docs/gateway.md "Ports and settings").</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "Gateway";
    public const string DefaultPublicUrls = "http://0.0.0.0:8080";

    /// <summary>Where <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> answer; nothing else answers there.</summary>
    public string InternalUrl { get; set; } = "http://127.0.0.1:9091";

    /// <summary>
    /// Where other proxies (nginx <c>auth_request</c>, Traefik ForwardAuth, Envoy ext_authz, Caddy <c>forward_auth</c>) ask
    /// whether a request may pass, and where <c>POST /v1/verify</c> answers (docs/forward-auth.md). Unset: no such listener.
    /// </summary>
    public string? ForwardAuthUrl { get; set; }

    /// <summary>
    /// A candidate routes file (the live file's format) evaluated beside the live one for every authenticated request;
    /// differences are counted and reported, never enforced (docs/gateway.md "Shadow routes"). Unset: no shadow decision.
    /// </summary>
    public string? ShadowRoutesFile { get; set; }

    /// <summary>The header that carries the selected workspace upstream (and selects it on the request).</summary>
    public string WorkspaceHeader { get; set; } = "X-Workspace-Id";

    /// <summary>CIDRs (or addresses) whose <c>X-Forwarded-For</c> is believed. Also accepted as one comma-separated string.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Parsed <see cref="TrustedProxies"/>; filled by post-configuration, empty when invalid (validation reports it).</summary>
    public IReadOnlyList<IPNetwork> TrustedProxyNetworks { get; set; } = [];

    /// <summary>The port of <see cref="InternalUrl"/>: requests arriving on it reach internal endpoints only.</summary>
    public int InternalPort => Uri.TryCreate(InternalUrl, UriKind.Absolute, out var uri) ? uri.Port : -1;

    /// <summary>The port of <see cref="ForwardAuthUrl"/> (-1 when unset): requests arriving on it are questions about another request.</summary>
    public int ForwardAuthPort => !string.IsNullOrWhiteSpace(ForwardAuthUrl) && Uri.TryCreate(ForwardAuthUrl, UriKind.Absolute, out var uri) ? uri.Port : -1;
}
