using ApiGateway.Gateway.Hosting;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Gateway.Tests.Hosting;

/// <summary>
/// Every listener is a Kestrel endpoint, whichever way the public ones are configured: real Kestrel, real sockets. The
/// bug this prevents: once any <c>Kestrel:Endpoints</c> entry exists, Kestrel ignores <c>Urls</c>, which silently dropped
/// the internal listener (health, metrics).
/// </summary>
public sealed class GatewayListenersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Url(int port) => $"http://127.0.0.1:{port}";

    private static async Task<(WebApplication App, PublicUrls Urls)> StartAsync(Dictionary<string, string?> settings, string internalUrl, string? forwardAuthUrl = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        var urls = GatewayListeners.Add(builder, internalUrl, forwardAuthUrl);
        var app = builder.Build();
        app.MapGet("/", () => "ok");
        await app.StartAsync(Ct);
        return (app, urls);
    }

    private static async Task<string> GetAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await client.GetStringAsync(url, Ct);
    }

    [Fact]
    public async Task Add_KestrelEndpointsConfigured_InternalListenerStillBoundAndUrlsIgnoredAsKestrelDoes()
    {
        int publicPort = FreePort.Next(), ignoredPort = FreePort.Next(), internalPort = FreePort.Next();
        var (app, urls) = await StartAsync(new()
        {
            ["Kestrel:Endpoints:Main:Url"] = Url(publicPort),
            ["urls"] = Url(ignoredPort),
        }, Url(internalPort));
        await using var _ = app;

        Assert.Equal("ok", await GetAsync(Url(publicPort)));
        Assert.Equal("ok", await GetAsync(Url(internalPort)));
        Assert.Equal([Url(publicPort)], urls.Urls);
        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(Url(ignoredPort)));
    }

    [Fact]
    public async Task Add_UrlsOnly_EachPublicUrlTheInternalAndTheForwardAuthListenerBound()
    {
        int first = FreePort.Next(), second = FreePort.Next(), internalPort = FreePort.Next(), forwardAuthPort = FreePort.Next();
        var (app, urls) = await StartAsync(new() { ["urls"] = $"{Url(first)}; {Url(second)}" }, Url(internalPort), Url(forwardAuthPort));
        await using var _ = app;

        foreach (var port in new[] { first, second, internalPort, forwardAuthPort })
        {
            Assert.Equal("ok", await GetAsync(Url(port)));
        }
        Assert.Equal([Url(first), Url(second)], urls.Urls);
    }

    /// <summary>HTTP/2-only defaults for the public side never leave health checks, scrapers and nginx's auth_request without HTTP/1.1.</summary>
    [Fact]
    public async Task Add_EndpointDefaultsHttp2Only_InternalAndForwardAuthListenersStillSpeakHttp1()
    {
        int publicPort = FreePort.Next(), internalPort = FreePort.Next(), forwardAuthPort = FreePort.Next();
        var (app, _) = await StartAsync(new()
        {
            ["urls"] = Url(publicPort),
            ["Kestrel:EndpointDefaults:Protocols"] = "Http2",
        }, Url(internalPort), Url(forwardAuthPort));
        await using var __ = app;

        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(Url(publicPort))); // the defaults did apply
        Assert.Equal("ok", await GetAsync(Url(internalPort)));
        Assert.Equal("ok", await GetAsync(Url(forwardAuthPort)));
    }

    [Fact]
    public void ReadEndpointUrls_OnlyTheOperatorsEndpointsWithAUrl()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Main:Url"] = "https://0.0.0.0:8443",
            ["Kestrel:Endpoints:Blank:Url"] = " ",
            ["Kestrel:Endpoints:NoUrl:Protocols"] = "Http2",
            ["Kestrel:Endpoints:gatewayinternal:Url"] = "http://127.0.0.1:9091",
            ["Kestrel:Endpoints:GatewayForwardAuth:Url"] = "http://127.0.0.1:9092",
        }).Build();

        Assert.Equal(["https://0.0.0.0:8443"], GatewayListeners.ReadEndpointUrls(configuration));
    }
}
