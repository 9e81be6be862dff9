using System.Net;
using System.Net.Sockets;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>
/// Who is signing in, as the throttle partitions it: the client (an IPv4 address, or the /64 of an IPv6 one, so changing
/// the low 64 bits does not make a new client) and the credential's prefix (its first 16 characters, the length a
/// listed credential shows). The prefix stays in memory only; it is never logged or stored.
/// </summary>
internal readonly record struct SignInAttempt(string Client, string? Prefix)
{
    public static SignInAttempt From(IPAddress? address, string? credential) =>
        new(ClientOf(address), string.IsNullOrEmpty(credential) ? null : KeyFormat.VisiblePrefix(credential));

    /// <summary>The partition's name for the connection's address; every unknown peer shares one.</summary>
    public static string ClientOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    // A record's generated ToString would print the prefix; this type must not reach a log by accident.
    public override string ToString() => $"SignInAttempt {{ Client = {Client} }}";
}
