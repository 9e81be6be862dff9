using System.Net;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Metrics;

/// <summary>A real Prometheus server scrapes a real gateway process over its internal port.</summary>
public sealed class PrometheusScrapeTests : IAsyncLifetime
{
    private readonly UpstreamServer _upstream = new();
    private GatewayProcess _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _upstream.StartAsync(Ct);
        _gateway = await GatewayProcess.StartAsync(RoutesFile.SingleRoute("echo", "/v1/echo", "echo:read", _upstream.BaseAddress), cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Scrape_RealGateway_PrometheusReturnsTheKeysRequestCount()
    {
        var key = await _gateway.Keys.MintAsync(["echo:read"], cancellationToken: Ct);
        using (var client = _gateway.CreatePublicClient(key.Plaintext))
        {
            for (var i = 0; i < 5; i++)
            {
                using var response = await client.GetAsync(new Uri("/v1/echo/ping", UriKind.Relative), Ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"Request {i}: {response.StatusCode}. {_gateway.Process.Describe()}");
            }
        }

        await using var prometheus = await PrometheusServer.StartAsync("gateway", [_gateway.InternalAddress], Ct);
        var query = $"sum(gateway_requests_total{{job=\"gateway\",key_id=\"{key.Key.Id}\",route=\"echo\",status=\"2xx\"}})";
        var samples = await Poll.UntilAsync(ct => prometheus.QueryAsync(query, ct), s => s.Count == 1 && s[0].Value >= 5, TimeSpan.FromSeconds(60), Ct);

        Assert.True(samples.Count == 1, $"No sample for {query}. {prometheus.Process.Describe()}\n{_gateway.Process.Describe()}");
        Assert.Equal(5, samples[0].Value);
        var up = await prometheus.QueryAsync("up{job=\"gateway\"}", Ct);
        Assert.Equal(1, Assert.Single(up).Value);
    }

    [Fact]
    public async Task Metrics_PublicPort_IsNotServed()
    {
        using var publicClient = _gateway.CreatePublicClient();
        using var internalClient = _gateway.CreateInternalClient();

        using var onPublic = await publicClient.GetAsync(new Uri("/metrics", UriKind.Relative), Ct);
        using var onInternal = await internalClient.GetAsync(new Uri("/metrics", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
        Assert.DoesNotContain("gateway_requests_total", await onPublic.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, onInternal.StatusCode);
        Assert.Contains("gateway_auth_failures_total", await onInternal.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
