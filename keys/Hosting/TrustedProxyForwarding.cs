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
}
