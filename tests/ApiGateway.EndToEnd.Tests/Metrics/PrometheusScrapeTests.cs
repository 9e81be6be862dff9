using System.Net;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Metrics;

/// <summary>A real Prometheus server scrapes a real gateway process over its internal port.</summary>
public sealed class PrometheusScrapeTests : IAsyncLifetime
{
    private EchoGateway _stack = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GatewayProcess Gateway => _stack.Gateway;

    public async ValueTask InitializeAsync() => _stack = await EchoGateway.StartAsync(Ct);

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task Scrape_RealGateway_PrometheusReturnsTheKeysRequestCount()
    {
        var key = await Gateway.Keys.MintAsync([EchoGateway.Scope], cancellationToken: Ct);
        await _stack.SendOkAsync(key.Plaintext, 5, Ct);

        await using var prometheus = await PrometheusServer.StartAsync("gateway", [Gateway.InternalAddress], Ct);
        var query = $"sum(gateway_requests_total{{job=\"gateway\",key_id=\"{key.Key.Id}\",route=\"echo\",status=\"2xx\"}})";
        var samples = await Poll.UntilAsync(ct => prometheus.QueryAsync(query, ct), s => s.Count == 1 && s[0].Value >= 5, TimeSpan.FromSeconds(60), Ct);

        Assert.True(samples.Count == 1, $"No sample for {query}. {prometheus.Process.Describe()}\n{Gateway.Process.Describe()}");
        Assert.Equal(5, samples[0].Value);
        var up = await prometheus.QueryAsync("up{job=\"gateway\"}", Ct);
        Assert.Equal(1, Assert.Single(up).Value);
    }

    [Fact]
    public async Task Metrics_PublicPort_IsNotServed()
    {
        using var publicClient = Gateway.CreatePublicClient();
        using var internalClient = Gateway.CreateInternalClient();

        using var onPublic = await publicClient.GetAsync(new Uri("/metrics", UriKind.Relative), Ct);
        using var onInternal = await internalClient.GetAsync(new Uri("/metrics", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
        Assert.DoesNotContain("gateway_requests_total", await onPublic.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, onInternal.StatusCode);
        Assert.Contains("gateway_auth_failures_total", await onInternal.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
