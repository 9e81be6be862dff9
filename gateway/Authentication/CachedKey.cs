using System.Net;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Hosting;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// A key as the gateway caches it: the record plus everything derived from it once (the parsed IP allow-list), so a
/// cache hit allocates nothing. Immutable; a change replaces the entry.
/// </summary>
internal sealed class CachedKey
{
    public CachedKey(ApiKey key, KeyHash hash, DateTimeOffset confirmedAt)
    {
        Key = key;
        Hash = hash;
        ConfirmedAt = confirmedAt;
        AllowedNetworks = IpNetworks.ParseValid(key.AllowedIps);
        // An allow-list whose entries are all unusable must still restrict, not silently allow everything.
        RestrictsIps = key.AllowedIps.Count > 0;
    }

    public ApiKey Key { get; }

    public KeyHash Hash { get; }

    /// <summary>When the store last returned this record.</summary>
    public DateTimeOffset ConfirmedAt { get; }

    public IReadOnlyList<IPNetwork> AllowedNetworks { get; }

    public bool RestrictsIps { get; }
}
