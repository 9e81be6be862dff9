using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace ApiGateway.Gateway.Tests.Hosting;

/// <summary>
/// <c>Gateway:TrustedProxies</c> (10.0.0.0/8 in <see cref="GatewayFactory"/>) also drives ASP.NET Core's forwarded
/// headers: from a trusted proxy the app sees the client's scheme and host, and the upstream still gets them; from
/// anyone else (loopback included, which the framework trusts by default) nothing is believed.
/// </summary>
public sealed class TrustedProxyForwardedHeadersTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TrustedProxy_ForwardedProtoAndHost_AppSeesThemAndUpstreamGetsThem()
    {
        var context = await SendFromAsync("10.1.2.3", "trusted-scheme");

        Assert.Equal("https", context.Request.Scheme);
        Assert.Equal("api.example.com", context.Request.Host.Value);
        // X-Forwarded-For stays the client-IP resolver's: the connection's address is still the proxy's.
        Assert.Equal(IPAddress.Parse("10.1.2.3"), context.Connection.RemoteIpAddress);
        var received = factory.Upstream.Received.Last(r => r.Query == "?m=trusted-scheme");
        Assert.Equal("https", received.Header("X-Forwarded-Proto"));
        Assert.Equal("api.example.com", received.Header("X-Forwarded-Host"));
        Assert.Null(received.Header("X-Original-Proto")); // the middleware's own bookkeeping never goes upstream
        Assert.Null(received.Header("X-Original-Host"));
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task UntrustedPeer_ForwardedProtoAndHost_NotBelieved(string peer)
    {
        var context = await SendFromAsync(peer, "untrusted-scheme-" + peer);

        Assert.Equal("http", context.Request.Scheme);
        Assert.Equal("gateway.test", context.Request.Host.Value);
        var received = factory.Upstream.Received.Last(r => r.Query == "?m=untrusted-scheme-" + peer);
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.Equal("gateway.test", received.Header("X-Forwarded-Host"));
    }

    private async Task<HttpContext> SendFromAsync(string peer, string marker)
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/v1/status";
            c.Request.QueryString = new QueryString($"?m={marker}");
            c.Request.Host = new HostString("gateway.test");
            c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            c.Request.Headers["X-Forwarded-For"] = "198.51.100.7";
            c.Request.Headers["X-Forwarded-Proto"] = "https";
            c.Request.Headers["X-Forwarded-Host"] = "api.example.com";
        }, Ct);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        return context;
    }
}
