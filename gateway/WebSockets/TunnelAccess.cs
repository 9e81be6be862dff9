using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Hosting;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Scopes;

namespace ApiGateway.Gateway.WebSockets;

/// <summary>
/// Whether an open tunnel's key may still hold it, by the same rules the handshake passed: the key is usable (not
/// revoked, expired or otherwise inactive), still grants the route's GET scopes, still allows the client's address and
/// still holds the workspace. Anything the store could not confirm counts as no.
/// </summary>
internal static class TunnelAccess
{
    public static bool StillAllowed(OpenTunnel tunnel, KeyLookup lookup, DateTimeOffset now)
    {
        if (lookup.Status != KeyLookupStatus.Found || lookup.Entry is not { } entry)
        {
            return false;
        }
        var key = entry.Key;
        // Every status but Active ends a tunnel, so a new one (e.g. disabled) closes them without a change here.
        if (key.StatusAt(now) != KeyStatus.Active || !key.HoldsWorkspace(tunnel.WorkspaceId))
        {
            return false;
        }
        if (entry.RestrictsIps && (tunnel.ClientIp is not { } ip || !IpNetworks.Contains(entry.AllowedNetworks, ip)))
        {
            return false;
        }
        if (tunnel.Access.Policy.RequiredFor(HttpMethods.Get) is not { } required)
        {
            return false;
        }
        return ScopeGrant.Missing((IReadOnlyCollection<string>)key.Scopes, required).Count == 0;
    }
}
