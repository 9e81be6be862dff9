using System.Net;

namespace ApiGateway.Keys.Hosting;

/// <summary>
/// Parses allow-list and trusted-proxy entries, a CIDR (<c>10.0.0.0/8</c>) or a single address, the same way in both
/// processes; IPv4-mapped IPv6 addresses and networks are their IPv4 equivalents, like client addresses.
/// </summary>
public static class IpNetworks
{
    /// <summary>The entries that parse (validation reports the others where a setting holds them).</summary>
    public static IReadOnlyList<IPNetwork> ParseValid(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (TryParse(entry, out var network))
            {
                networks.Add(network);
            }
        }
        return networks;
    }

    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        if (text.Contains('/', StringComparison.Ordinal))
        {
            if (!IPNetwork.TryParse(text, out network))
            {
                return false;
            }
            // Normalise IPv4-mapped IPv6 networks to IPv4, like client addresses.
            if (network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96)
            {
                network = new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96);
            }
            return true;
        }
        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }
        address = Normalize(address);
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>Whether an address (already <see cref="Normalize"/>d) is in one of the networks.</summary>
    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(networks);
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }
}
