using System.Net;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Hosting;
using ApiGateway.AdminApi.Tests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;

namespace ApiGateway.AdminApi.Tests.Hosting;

/// <summary>
/// Behind a TLS-terminating proxy (docs/deploy.md): from a peer in <c>Admin:TrustedProxies</c>, X-Forwarded-Proto/-Host
/// are believed (generated URLs use https and the proxy's host, console cookies are Secure); from anyone else every
/// forwarding header is removed before the app sees it, and loopback is not trusted unless listed.
/// </summary>
public sealed class TrustedProxiesTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private const string Trusted = "10.1.2.3";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AdminApiFactory Factory { get; } = factory.With("Admin:TrustedProxies", "10.0.0.0/8, 192.0.2.10");

    [Theory]
    [InlineData(Trusted)]
    [InlineData("192.0.2.10")]
    [InlineData("::ffff:10.1.2.3")]
    public async Task TrustedPeer_ForwardedProtoAndHost_GeneratedUrlsAndCookiesFollowThem(string peer)
    {
        var redirect = await SendAsync(peer, "/console");
        Assert.StartsWith("https://admin.example.com/console/sign-in", redirect.Response.Headers.Location.ToString(), StringComparison.Ordinal);

        var signIn = await SendAsync(peer, "/console/sign-in");
        Assert.Contains(signIn.Response.Headers.SetCookie.ToArray(), cookie => cookie!.Contains("secure", StringComparison.OrdinalIgnoreCase));

        var document = await SendAsync(peer, "/openapi/v1.json");
        Assert.Equal("https", document.Request.Scheme);
        Assert.Equal(IPAddress.Parse("198.51.100.7"), document.Connection.RemoteIpAddress);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("127.0.0.1")] // the framework trusts loopback by default; here only the configured networks count
    [InlineData("::1")]
    public async Task UntrustedPeer_ForwardedHeaders_IgnoredAndRemoved(string peer)
    {
        var redirect = await SendAsync(peer, "/console");
        Assert.StartsWith("http://localhost/console/sign-in", redirect.Response.Headers.Location.ToString(), StringComparison.Ordinal);

        var signIn = await SendAsync(peer, "/console/sign-in");
        Assert.DoesNotContain(signIn.Response.Headers.SetCookie.ToArray(), cookie => cookie!.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(IPAddress.Parse(peer), signIn.Connection.RemoteIpAddress);
        Assert.All(["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded", "X-Real-IP"],
            name => Assert.False(signIn.Request.Headers.ContainsKey(name), name));
        Assert.Equal("kept", signIn.Request.Headers["X-Other"]);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("127.0.0.1")]
    public async Task NoTrustedProxies_ForwardedHeaders_BelievedFromNobody(string peer)
    {
        await using var plain = new AdminApiFactory();

        var context = await plain.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/console/sign-in";
            c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            c.Request.Headers["X-Forwarded-Proto"] = "https";
            c.Request.Headers["X-Forwarded-Host"] = "admin.example.com";
            c.Request.Headers["X-Forwarded-For"] = "198.51.100.7";
        }, Ct);

        Assert.Equal("http", context.Request.Scheme);
        Assert.NotEqual("admin.example.com", context.Request.Host.Host);
        Assert.Equal(IPAddress.Parse(peer), context.Connection.RemoteIpAddress);
        Assert.False(context.Request.Headers.ContainsKey("X-Forwarded-Host"));
    }

    [Fact]
    public async Task TrustedProxies_NotAnAddress_StartRefused()
    {
        await using var bad = new AdminApiFactory().With("Admin:TrustedProxies", "10.0.0.0/8,not-an-ip");

        var error = Assert.ThrowsAny<OptionsValidationException>(() => bad.CreateClient());
        Assert.Contains("Admin:TrustedProxies has 'not-an-ip'", error.Message, StringComparison.Ordinal);
    }

    private Task<HttpContext> SendAsync(string peer, string path) => Factory.Server.SendAsync(c =>
    {
        c.Request.Method = HttpMethods.Get;
        c.Request.Path = path;
        c.Request.Host = new HostString("localhost");
        c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        var headers = c.Request.Headers;
        headers["X-Forwarded-For"] = "198.51.100.7";
        headers["X-Forwarded-Proto"] = "https";
        headers["X-Forwarded-Host"] = "admin.example.com";
        headers["X-Forwarded-Prefix"] = "/evil";
        headers["Forwarded"] = "for=198.51.100.7;proto=https";
        headers["X-Real-IP"] = "198.51.100.7";
        headers["X-Other"] = "kept";
    }, Ct);
}
