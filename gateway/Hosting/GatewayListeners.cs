namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Makes every listener a Kestrel configuration endpoint, whichever of the two standard ways configures the public
/// ones: <c>Urls</c> (with <c>Kestrel:Certificates:Default</c> for https) or <c>Kestrel:Endpoints:*</c>. Kestrel binds
/// only <c>Kestrel:Endpoints</c> once any exists and ignores <c>Urls</c>, which used to drop the internal listener
/// silently; now it is always one more endpoint. Public <c>Urls</c> become endpoints too, so both ways get Kestrel's
/// certificate reload (docs/tls.md).
/// </summary>
internal static class GatewayListeners
{
    public const string InternalEndpoint = "GatewayInternal";
    public const string ForwardAuthEndpoint = "GatewayForwardAuth";
    public const string PublicEndpointPrefix = "GatewayPublic";
    private const string EndpointsSection = "Kestrel:Endpoints";

    /// <summary>Adds the endpoints to the configuration Kestrel reads and returns the public URLs.</summary>
    public static PublicUrls Add(WebApplicationBuilder builder, string internalUrl, string? forwardAuthUrl)
    {
        var configured = ReadEndpointUrls(builder.Configuration);
        var endpoints = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<string> publicUrls = configured;
        if (configured.Count == 0)
        {
            publicUrls = GatewayHosting.ReadPublicUrls(builder.Configuration);
            for (var i = 0; i < publicUrls.Count; i++)
            {
                endpoints[$"{EndpointsSection}:{PublicEndpointPrefix}{i}:Url"] = publicUrls[i];
            }
        }
        endpoints[$"{EndpointsSection}:{InternalEndpoint}:Url"] = internalUrl;
        // Kestrel's own default, stated so that Kestrel:EndpointDefaults (say, HTTP/2 only for the public side) never
        // leaves health checks and scrapers without HTTP/1.1.
        endpoints[$"{EndpointsSection}:{InternalEndpoint}:Protocols"] = "Http1AndHttp2";
        if (!string.IsNullOrWhiteSpace(forwardAuthUrl))
        {
            // nginx's auth_request speaks HTTP/1.x to its upstreams, Envoy's ext_authz HTTP/1.1 or HTTP/2.
            endpoints[$"{EndpointsSection}:{ForwardAuthEndpoint}:Url"] = forwardAuthUrl;
            endpoints[$"{EndpointsSection}:{ForwardAuthEndpoint}:Protocols"] = "Http1AndHttp2";
        }
        builder.Configuration.AddInMemoryCollection(endpoints);

        // Every address is an endpoint now; left set, these would only make Kestrel warn that it overrides them.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, string.Empty);
        return new PublicUrls(publicUrls);
    }

    /// <summary>The <c>Url</c> of every <c>Kestrel:Endpoints:*</c> entry the operator configured.</summary>
    public static IReadOnlyList<string> ReadEndpointUrls(IConfiguration configuration) =>
        [.. configuration.GetSection(EndpointsSection).GetChildren()
            .Where(e => !e.Key.Equals(InternalEndpoint, StringComparison.OrdinalIgnoreCase)
                && !e.Key.Equals(ForwardAuthEndpoint, StringComparison.OrdinalIgnoreCase))
            .Select(e => e["Url"])
            .OfType<string>()
            .Where(url => !string.IsNullOrWhiteSpace(url))];
}
