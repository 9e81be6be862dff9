using ApiGateway.Keys.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// <c>Gateway:TrustedProxies</c>, the one trusted-proxy setting, also drives ASP.NET Core's forwarded-headers
/// middleware: from those peers <c>X-Forwarded-Proto</c>/<c>-Host</c> become <c>Request.Scheme</c>/<c>Host</c>.
/// <c>X-Forwarded-For</c> is deliberately not applied here: <see cref="Requests.ClientIpResolver"/> walks that chain
/// itself and needs the connection's own address to know whether the peer is a trusted proxy at all.
/// </summary>
internal static class TrustedProxyForwardedHeaders
{
    public static WebApplicationBuilder AddTrustedProxyForwardedHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((forwarded, gateway) =>
            TrustedProxyForwarding.Configure(forwarded, gateway.Value.TrustedProxyNetworks, ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost));
        return builder;
    }
}
