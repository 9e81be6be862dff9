using System.Net;
using ApiGateway.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace ApiGateway.Gateway.Tests.Hosting;

public sealed class GatewayOptionsSetupTests
{
    private static GatewayOptions PostConfigure(Dictionary<string, string?> settings, List<string>? bound = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new GatewayOptions { TrustedProxies = bound ?? [] };
        new GatewayOptionsSetup(configuration).PostConfigure(null, options);
        return options;
    }

    [Fact]
    public void PostConfigure_CommaSeparatedString_OneEntryEachTrimmed()
    {
        var options = PostConfigure(new() { ["Gateway:TrustedProxies"] = " 10.0.0.0/8 , 192.168.1.1,," });

        Assert.Equal(["10.0.0.0/8", "192.168.1.1"], options.TrustedProxies);
        Assert.Equal([new IPNetwork(IPAddress.Parse("10.0.0.0"), 8), new IPNetwork(IPAddress.Parse("192.168.1.1"), 32)], options.TrustedProxyNetworks);
    }

    [Fact]
    public void PostConfigure_BoundList_ParsedAndABadEntryLeftForTheValidator()
    {
        var options = PostConfigure([], bound: ["2001:db8::/32", "not-a-network"]);

        Assert.Equal(["2001:db8::/32", "not-a-network"], options.TrustedProxies);
        Assert.Equal([new IPNetwork(IPAddress.Parse("2001:db8::"), 32)], options.TrustedProxyNetworks);
    }

    [Fact]
    public void PostConfigure_Nothing_NoTrustedProxy()
    {
        Assert.Empty(PostConfigure([]).TrustedProxyNetworks);
    }
}
