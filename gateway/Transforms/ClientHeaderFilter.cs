using System.Collections.Frozen;

namespace ApiGateway.Gateway.Transforms;

/// <summary>
/// Decides which client-sent request headers never reach an upstream. Names compare case-insensitively with <c>_</c>
/// read as <c>-</c>, because CGI, WSGI, Rack and PHP turn both <c>X-Api-Key-Owner</c> and <c>X_Api_Key_Owner</c> into
/// <c>HTTP_X_API_KEY_OWNER</c>: a spelling the gateway does not strip would become the real header upstream.
/// </summary>
internal sealed class ClientHeaderFilter
{
    /// <summary>Prefixes of headers the gateway alone may set: every <c>X-Api-Key-*</c> (id, mode, owner, token, and any later one).</summary>
    private const string IdentityPrefix = "X-Api-Key-";

    /// <summary>
    /// Forwarding headers, believed only from a trusted proxy: every <c>X-Forwarded-*</c> and <c>X-Original-*</c>, and
    /// Envoy's <c>X-Envoy-*</c> (<c>X-Envoy-External-Address</c>, <c>X-Envoy-Internal</c> decide who the client is).
    /// </summary>
    private static readonly string[] ForwardingPrefixes =
    [
        "X-Forwarded-", "X-Original-", "X-Envoy-",
        // Identity other systems put in front of an app: Azure App Service authentication (X-MS-CLIENT-PRINCIPAL,
        // -NAME, -ID, -IDP; X-MS-TOKEN-*), AWS ALB OIDC (X-Amzn-Oidc-Data, -Identity, -Accesstoken), oauth2-proxy
        // (X-Auth-Request-User, -Email, -Groups), Google IAP (X-Goog-Authenticated-User-Email, -Id), Cloudflare Access,
        // Kong (X-Consumer-Id, -Username), IIS ARR (X-ARR-ClientCert, X-ARR-SSL), TLS client-certificate forwarding.
        "X-Ms-Client-Principal", "X-Ms-Token-", "X-Amzn-Oidc-", "X-Auth-Request-", "X-Goog-Authenticated-User-",
        "Cf-Access-", "X-Consumer-", "X-Arr-", "X-Ssl-Client-",
    ];

    /// <summary>
    /// Always removed: the credential, method overrides (the scope follows the real method) and path overrides
    /// (Symfony, Laminas and IIS URL Rewrite serve <c>X-Original-URL</c>/<c>X-Rewrite-URL</c> instead of the path the
    /// gateway routed), whoever sent them.
    /// </summary>
    private static readonly string[] Always =
    [
        "Authorization", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Method",
        "X-Original-URL", "X-Rewrite-URL", "X-Original-URI", "X-Original-Method", "X-Forwarded-Uri", "X-Forwarded-Method",
    ];

    /// <summary>
    /// Client-address, host, scheme, client-certificate and authenticated-user headers frameworks, servers and CDNs
    /// read, removed unless the peer is a trusted proxy: the standard ones, CDN and platform ones (Cloudflare, Fastly, Akamai, Azure, CloudFront, App Engine, Fly),
    /// WebLogic's and Apache's, and the legacy spellings PHP and Java IP libraries still try in turn.
    /// </summary>
    private static readonly string[] Forwarding =
    [
        "Forwarded", "X-Forwarded", "Forwarded-For", "Forwarded-Host", "Forwarded-Proto",
        "X-Real-IP", "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "X-Client-IP", "Client-IP", "X-Cluster-Client-IP",
        "X-Originating-IP", "X-Remote-IP", "X-Remote-Addr", "X-ProxyUser-Ip", "X-Appengine-User-Ip", "WL-Proxy-Client-IP",
        "Proxy-Client-IP", "X-Azure-ClientIP", "X-Azure-SocketIP", "CloudFront-Viewer-Address", "Fly-Client-IP",
        "X-Host", "X-Url-Scheme", "X-Scheme", "Front-End-Https", "WL-Proxy-SSL",
        // Who the client is, as an authenticating proxy or a TLS terminator tells the app (ASP.NET Core certificate
        // forwarding reads X-ARR-ClientCert by default; nginx and Apache setups pass the certificate and the user).
        "X-Client-Cert", "Ssl-Client-Cert", "X-Client-Verify", "X-Client-DN", "X-Remote-User", "Remote-User",
        "X-Webauth-User", "X-Authenticated-User", "X-Authenticated-Userid", "X-Userinfo", "X-Credential-Identifier",
    ];

    private readonly FrozenDictionary<string, bool> _exact;

    public ClientHeaderFilter(string workspaceHeader)
    {
        // Value: whether the header is removed even from a trusted proxy.
        _exact = Always.Append(workspaceHeader).Select(name => KeyValuePair.Create(Canonical(name), true))
            .Concat(Forwarding.Select(name => KeyValuePair.Create(Canonical(name), false)))
            .DistinctBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether a client header called <paramref name="name"/> is removed. A forwarding header spelled with <c>_</c> is
    /// removed even from a trusted proxy: proxies use the registered spelling, so that one came from a client.
    /// </summary>
    public bool Strips(string name, bool fromTrustedProxy)
    {
        var disguised = name.Contains('_', StringComparison.Ordinal);
        var canonical = disguised ? Canonical(name) : name;
        if (_exact.TryGetValue(canonical, out var always))
        {
            return always || !fromTrustedProxy || disguised;
        }
        if (canonical.StartsWith(IdentityPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        foreach (var prefix in ForwardingPrefixes)
        {
            if (canonical.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return !fromTrustedProxy || disguised;
            }
        }
        return false;
    }

    private static string Canonical(string name) => name.Replace('_', '-');
}
