using ApiGateway.Gateway.Metrics;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Gateway.Tests.Metrics;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class RateLimitBackendHealthTests
{
    private readonly Prometheus.CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();

    private RateLimitBackendHealth Health(bool shared = true) =>
        new(new GatewayMetrics(_registry, new KeyIdLabels(Options.Create(new MetricsOptions()))), new SharedLimiterMode(shared));

    private async Task<(double Up, double Errors)> ScrapeAsync()
    {
        var samples = await MetricsText.ScrapeAsync(_registry);
        return (samples.Single(s => s.Name == "gateway_ratelimit_backend_up").Value,
            samples.Single(s => s.Name == "gateway_ratelimit_backend_errors_total").Value);
    }

    [Fact]
    public async Task New_UpBeforeAnyCall()
    {
        var health = Health();

        Assert.True(health.IsUp);
        Assert.True(health.IsShared);
        Assert.Equal((1, 0), await ScrapeAsync());
    }

    [Fact]
    public async Task Failed_EveryFailureCountedAndDownUntilACallSucceeds()
    {
        var health = Health();

        health.Failed();
        health.Failed();
        Assert.False(health.IsUp);
        Assert.Equal((0, 2), await ScrapeAsync());

        health.Succeeded();
        Assert.True(health.IsUp);
        Assert.Equal((1, 2), await ScrapeAsync());
    }

    [Fact]
    public void IsShared_NoRedisConfigured_False()
    {
        Assert.False(Health(shared: false).IsShared);
    }
}
