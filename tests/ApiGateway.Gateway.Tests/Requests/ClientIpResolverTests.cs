using System.Net;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tests.Requests;

public sealed class ClientIpResolverTests
{
    private static ClientIpResolver Resolver(params string[] trusted)
    {
        var options = new GatewayOptions { TrustedProxies = [.. trusted] };
        new GatewayOptionsSetup(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).PostConfigure(null, options);
        return new ClientIpResolver(Options.Create(options));
    }

    private static DefaultHttpContext Request(string remote, params string[] forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor.Length > 0)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }
        return context;
    }

    [Fact]
    public void Resolve_NoTrustedProxies_TheConnectionAndNeverTheHeader()
    {
        var context = Request("203.0.113.9", "10.0.0.1");

        Assert.Equal(IPAddress.Parse("203.0.113.9"), Resolver().Resolve(context));
        Assert.False(Resolver().IsTrustedProxy(context));
    }

    [Fact]
    public void Resolve_UntrustedPeer_HeaderIgnored()
    {
        var context = Request("203.0.113.9", "198.51.100.1");

        Assert.Equal(IPAddress.Parse("203.0.113.9"), Resolver("10.0.0.0/8").Resolve(context));
    }

    [Fact]
    public void Resolve_TrustedPeer_FirstUntrustedHopFromTheRight()
    {
        // A client-supplied hop on the left is never believed: the walk stops at the first untrusted one from the right.
        var context = Request("10.0.0.5", "1.1.1.1, 198.51.100.7, 10.0.0.4");

        var resolver = Resolver("10.0.0.0/8");

        Assert.Equal(IPAddress.Parse("198.51.100.7"), resolver.Resolve(context));
        Assert.True(resolver.IsTrustedProxy(context));
    }

    [Fact]
    public void Resolve_RepeatedHeaders_WalkedAsOneListFromTheLastHeader()
    {
        var context = Request("10.0.0.5", "198.51.100.1", "10.0.0.9 , ");

        Assert.Equal(IPAddress.Parse("198.51.100.1"), Resolver("10.0.0.0/8").Resolve(context));
    }

    [Fact]
    public void Resolve_HopThatDoesNotParse_NoAddress()
    {
        var context = Request("10.0.0.5", "198.51.100.1, unknown");

        Assert.Null(Resolver("10.0.0.0/8").Resolve(context));
    }

    [Fact]
    public void Resolve_EveryHopTrusted_TheLeftMostHop()
    {
        var context = Request("10.0.0.5", "10.0.0.1, 10.0.0.2");

        Assert.Equal(IPAddress.Parse("10.0.0.1"), Resolver("10.0.0.0/8").Resolve(context));
    }

    [Fact]
    public void Resolve_MappedAddresses_ComparedAsIPv4()
    {
        var context = Request("::ffff:10.0.0.5", "::ffff:198.51.100.3");

        Assert.Equal(IPAddress.Parse("198.51.100.3"), Resolver("10.0.0.0/8").Resolve(context));
    }

    [Fact]
    public void Resolve_NoRemoteAddress_Null()
    {
        Assert.Null(Resolver("10.0.0.0/8").Resolve(new DefaultHttpContext()));
    }
}
