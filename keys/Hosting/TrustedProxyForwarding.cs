using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace ApiGateway.Keys.Hosting;

/// <summary>
/// Behind a TLS-terminating proxy (docs/deploy.md "Behind a TLS-terminating proxy"): ASP.NET Core's forwarded-headers
/// middleware, believing <c>X-Forwarded-*</c> only from the process's trusted-proxy networks, so that from such a peer
/// <c>Request.Scheme</c>/<c>Host</c> become what the client used (console cookies get <c>Secure</c>, generated URLs use
/// https). The framework's defaults (loopback always trusted) are cleared: with no trusted proxies nothing is believed.
/// </summary>
public static class TrustedProxyForwarding
{
    /// <summary>Applies one process's trusted networks and the headers it takes from them.</summary>
    public static void Configure(ForwardedHeadersOptions options, IEnumerable<IPNetwork> trusted, ForwardedHeaders believed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trusted);
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in trusted)
        {
            options.KnownIPNetworks.Add(network);
        }
        // With both lists empty the middleware checks no peer at all and believes everyone: no trusted proxy must mean
        // nothing is believed, so then it applies nothing.
        options.ForwardedHeaders = options.KnownIPNetworks.Count == 0 ? ForwardedHeaders.None : believed;
        // One proxy in front: its own values (the right-most) are taken, never a client's claims further left.
        options.ForwardLimit = 1;
        // A proxy that sets X-Forwarded-Proto but not X-Forwarded-Host (or the reverse) is still believed for what it sent.
        options.RequireHeaderSymmetry = false;
    }

    /// <summary>
    /// Whether a request header is one a client could use to claim another address, scheme or host: every
    /// <c>X-Forwarded-*</c>, <c>Forwarded</c> and <c>X-Real-IP</c>. Removed from untrusted peers before the app sees them.
    /// </summary>
    public static bool IsForwardingHeader(string name) =>
        name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Real-IP", StringComparison.OrdinalIgnoreCase);

    /// <summary>An address (a one-address network) or a CIDR.</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        if (text.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(text, out network);
        }
        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }
        address = Normalize(address);
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>Whether the peer is in one of the trusted networks (IPv4-mapped IPv6 peers compare as IPv4).</summary>
    public static bool IsTrusted(IReadOnlyList<IPNetwork> trusted, IPAddress? peer)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        if (trusted.Count == 0 || peer is null)
        {
            return false;
        }
        peer = Normalize(peer);
        foreach (var network in trusted)
        {
            if (network.Contains(peer))
            {
                return true;
            }
        }
        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
