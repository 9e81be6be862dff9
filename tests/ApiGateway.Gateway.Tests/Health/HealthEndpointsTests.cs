using System.Text.Json;
using ApiGateway.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Health;

/// <summary>Internal endpoints answer only on Gateway:InternalUrl's port, the proxy only on the public ones.</summary>
public sealed class HealthEndpointsTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpContext> GetAsync(string path, int localPort, string? key = null) =>
        factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = path;
            c.Connection.LocalPort = localPort;
            if (key is not null)
            {
                c.Request.Headers.Authorization = $"Bearer {key}";
            }
        }, Ct);

    [Fact]
    public async Task Healthz_InternalPort_ReportsAlive()
    {
        var context = await GetAsync("/healthz", 9091);
        Assert.Equal(200, context.Response.StatusCode);
        using var json = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: Ct);
        Assert.Equal("alive", json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_StoreReachableAndRoutesLoaded_Ready()
    {
        var context = await GetAsync("/readyz", 9091);
        Assert.Equal(200, context.Response.StatusCode);
        using var json = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: Ct);
        Assert.Equal("ready", json.RootElement.GetProperty("status").GetString());
        // No Gateway:ShadowRoutesFile: nothing about shadow routes, and the key access step's candidate stays null.
        Assert.False(json.RootElement.TryGetProperty("shadowRoutes", out _));
        Assert.Null(factory.Services.GetRequiredService<ApiGateway.Gateway.Shadow.ShadowRoutes>().Candidate);
    }

    /// <summary>
    /// Kestrel binds listeners one by one and serves each at once; the internal one is bound first. Until every one is
    /// bound (the host's ApplicationStarted), neither endpoint may say alive or ready: a caller would find the public port
    /// refusing (the TLS end-to-end case that failed once, docs/tls.md).
    /// </summary>
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task InternalEndpoint_BeforeEveryListenerIsBound_Returns503Starting(string path)
    {
        using var started = new CancellationTokenSource();
        using var starting = factory.WithWebHostBuilder(builder => builder.ConfigureServices(
            services => services.AddSingleton(new ListenersBound(started.Token))));
        Task<HttpContext> SendAsync() => starting.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = path;
            c.Connection.LocalPort = 9091;
        }, Ct);

        var before = await SendAsync();
        await started.CancelAsync();
        var after = await SendAsync();

        Assert.Equal(503, before.Response.StatusCode);
        using (var problem = await JsonDocument.ParseAsync(before.Response.Body, cancellationToken: Ct))
        {
            Assert.Contains("not every listener is bound", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(200, after.Response.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task InternalEndpoint_PublicPort_Returns404(string path)
    {
        var context = await GetAsync(path, 8080);
        Assert.Equal(404, context.Response.StatusCode);
    }

    [Fact]
    public async Task ProxyRoute_InternalPort_Returns404EvenWithAKey()
    {
        var key = await factory.MintAsync(["*"]);
        var before = factory.Upstream.Received.Count;
        var context = await GetAsync("/v1/contacts/1", 9091, key.Plaintext);
        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal(before, factory.Upstream.Received.Count);
        var onPublic = await GetAsync("/v1/contacts/1", 8080, key.Plaintext);
        Assert.Equal(200, onPublic.Response.StatusCode);
    }
}
