using System.Net;
using System.Net.Sockets;

namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// Which addresses a webhook may reach unless <c>Webhooks:AllowPrivateNetworks</c> (docs/security.md "Webhooks"):
/// none that is unspecified, loopback, private (RFC 1918, carrier-grade NAT, IPv6 unique-local), link-local (the cloud
/// metadata services at 169.254.169.254 and fd00:ec2::254 among them), multicast, reserved or benchmark space; IPv6
/// forms that carry an IPv4 address (mapped, NAT64, 6to4, Teredo-free compatible) are judged by that address.
/// </summary>
internal static class WebhookDestinations
{
    private static readonly (IPAddress Network, int Bits)[] RefusedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),
        (IPAddress.Parse("10.0.0.0"), 8),
        (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.Parse("169.254.0.0"), 16),
        (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24),
        (IPAddress.Parse("192.0.2.0"), 24),
        (IPAddress.Parse("192.168.0.0"), 16),
        (IPAddress.Parse("198.18.0.0"), 15),
        (IPAddress.Parse("198.51.100.0"), 24),
        (IPAddress.Parse("203.0.113.0"), 24),
        (IPAddress.Parse("224.0.0.0"), 4),
        (IPAddress.Parse("240.0.0.0"), 4),
    ];

    private static readonly (IPAddress Network, int Bits)[] RefusedV6 =
    [
        (IPAddress.Parse("::"), 128),
        (IPAddress.Parse("::1"), 128),
        (IPAddress.Parse("100::"), 64),
        (IPAddress.Parse("2001:db8::"), 32),
        (IPAddress.Parse("fc00::"), 7),
        (IPAddress.Parse("fe80::"), 10),
        (IPAddress.Parse("fec0::"), 10),
        (IPAddress.Parse("ff00::"), 8),
    ];

    public static bool IsRefused(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedV4(address) is { } v4)
        {
            return IsRefused(v4);
        }
        var table = address.AddressFamily == AddressFamily.InterNetwork ? RefusedV4 : RefusedV6;
        return table.Any(n => new IPNetwork(n.Network, n.Bits).Contains(address));
    }

    /// <summary>The IPv4 address an IPv6 one stands for: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16).</summary>
    private static IPAddress? EmbeddedV4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        if (bytes[..12].IndexOfAnyExcept((byte)0) < 0 && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0))
        {
            return new IPAddress(bytes[12..]);
        }
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(bytes[12..]);
        }
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return new IPAddress(bytes[2..6]);
        }
        return null;
    }

    /// <summary>
    /// Why a registration URL is refused (null: accepted). Names are resolved now too (a name that resolves to an
    /// internal address is refused at once); what decides in the end is the address each connection resolves to
    /// (<see cref="WebhookHttpClient"/>), so a name re-pointed later (DNS rebinding) still cannot reach one.
    /// </summary>
    public static async Task<string?> CheckAsync(Uri url, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (allowPrivateNetworks)
        {
            return null;
        }
        var host = url.IdnHost.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal))
        {
            return IsRefused(literal) ? "url points to a loopback, private, link-local or reserved address." : null;
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "url points to a loopback, private, link-local or reserved address.";
        }
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            // Not resolvable yet: accepted; every connection is checked anyway.
            return null;
        }
        return addresses.Any(IsRefused) ? "url resolves to a loopback, private, link-local or reserved address." : null;
    }
}
