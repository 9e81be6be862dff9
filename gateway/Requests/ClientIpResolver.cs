using System.Net;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Requests;

/// <summary>
/// The client address an IP allow-list is checked against: the connection's remote address, unless that is a
/// trusted proxy (<c>Gateway:TrustedProxies</c>); then <c>X-Forwarded-For</c> is walked from the right, skipping
/// trusted hops, and the first untrusted hop is the client. A hop that does not parse ends the walk with no address
/// (an allow-list then refuses): a forged or broken header never widens access.
/// </summary>
internal sealed class ClientIpResolver(IOptions<GatewayOptions> options)
{
    private readonly IReadOnlyList<IPNetwork> _trusted = options.Value.TrustedProxyNetworks;

    /// <summary>Whether the direct peer is in <c>Gateway:TrustedProxies</c> (so its forwarded headers are believed and passed on).</summary>
    public bool IsTrustedProxy(HttpContext context) =>
        _trusted.Count > 0 && context.Connection.RemoteIpAddress is { } remote && IpNetworks.Contains(_trusted, IpNetworks.Normalize(remote));

    public IPAddress? Resolve(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return null;
        }
        remote = IpNetworks.Normalize(remote);
        if (_trusted.Count == 0 || !IpNetworks.Contains(_trusted, remote))
        {
            return remote;
        }
        var values = context.Request.Headers["X-Forwarded-For"];
        var client = remote;
        for (var v = values.Count - 1; v >= 0; v--)
        {
            var header = values[v].AsSpan();
            while (!header.IsEmpty)
            {
                var comma = header.LastIndexOf(',');
                var hop = (comma < 0 ? header : header[(comma + 1)..]).Trim();
                header = comma < 0 ? [] : header[..comma];
                if (hop.IsEmpty)
                {
                    continue;
                }
                if (!IPAddress.TryParse(hop, out var address))
                {
                    return null;
                }
                client = IpNetworks.Normalize(address);
                if (!IpNetworks.Contains(_trusted, client))
                {
                    return client;
                }
            }
        }
        // Every hop was a trusted proxy: the left-most one is as close to the client as we can tell.
        return client;
    }
}
