using System.Net;

namespace ApiGateway.Gateway.Hosting;

/// <summary>Parses allow-list and trusted-proxy entries: a CIDR (<c>10.0.0.0/8</c>) or a single address.</summary>
internal static class IpNetworks
{
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

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
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
