using System.Net;
using ApiGateway.Keys.Hosting;

namespace ApiGateway.Keys.Tests.Hosting;

public sealed class IpNetworksTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0", 8)]
    [InlineData(" 192.168.1.7 ", "192.168.1.7", 32)]
    [InlineData("2001:db8::/32", "2001:db8::", 32)]
    [InlineData("2001:db8::1", "2001:db8::1", 128)]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3", 32)] // an IPv4-mapped address is the IPv4 address
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0", 8)] // and a mapped network the IPv4 network
    public void TryParse_CidrOrAddress_NormalisedNetwork(string text, string address, int prefix)
    {
        Assert.True(IpNetworks.TryParse(text, out var network));

        Assert.Equal(IPAddress.Parse(address), network.BaseAddress);
        Assert.Equal(prefix, network.PrefixLength);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0/8x")]
    public void TryParse_NotAnAddressOrCidr_False(string? text)
    {
        Assert.False(IpNetworks.TryParse(text, out _));
    }

    [Fact]
    public void Contains_AnyNetworkHoldsTheAddress_True()
    {
        Assert.True(IpNetworks.TryParse("10.0.0.0/8", out var ten));
        Assert.True(IpNetworks.TryParse("2001:db8::/32", out var doc));
        IReadOnlyList<IPNetwork> networks = [ten, doc];

        Assert.True(IpNetworks.Contains(networks, IPAddress.Parse("10.200.3.4")));
        Assert.True(IpNetworks.Contains(networks, IPAddress.Parse("2001:db8:1::5")));
        Assert.False(IpNetworks.Contains(networks, IPAddress.Parse("11.0.0.1")));
        Assert.False(IpNetworks.Contains([], IPAddress.Parse("10.0.0.1")));
    }

    [Fact]
    public void Normalize_MappedAddress_IsIPv4AndOthersUnchanged()
    {
        Assert.Equal(IPAddress.Parse("10.1.2.3"), IpNetworks.Normalize(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), IpNetworks.Normalize(IPAddress.Parse("2001:db8::1")));
    }

    [Fact]
    public void ParseValid_MixedEntries_KeepsOnlyTheOnesThatParseInOrder()
    {
        var networks = IpNetworks.ParseValid(["10.0.0.0/8", "not-an-ip", " ::ffff:192.168.0.0/112 ", "", "2001:db8::1"]);

        Assert.Equal(
            [new IPNetwork(IPAddress.Parse("10.0.0.0"), 8), new IPNetwork(IPAddress.Parse("192.168.0.0"), 16), new IPNetwork(IPAddress.Parse("2001:db8::1"), 128)],
            networks);
    }
}
