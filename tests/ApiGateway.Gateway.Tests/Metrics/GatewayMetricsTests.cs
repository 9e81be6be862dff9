using ApiGateway.Gateway.Metrics;
using ApiGateway.Gateway.Problems;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ApiGateway.Gateway.Tests.Metrics;

public sealed class GatewayMetricsTests
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();

    private GatewayMetrics Create(int maxKeyLabels = 1000) =>
        new(_registry, new KeyIdLabels(Options.Create(new MetricsOptions { MaxKeyLabels = maxKeyLabels })));

    [Fact]
    public async Task RequestCompleted_ScriptedMix_CountsExactlyPerKeyRouteAndStatusClass()
    {
        var metrics = Create();
        for (var i = 0; i < 3; i++)
        {
            metrics.RequestCompleted("key_a", "contacts", 200, TimeSpan.FromMilliseconds(3));
        }
        metrics.RequestCompleted("key_a", "contacts", 204, TimeSpan.FromMilliseconds(3));
        metrics.RequestCompleted("key_a", "contacts", 403, TimeSpan.FromMilliseconds(1));
        metrics.RequestCompleted("key_b", "orders", 429, TimeSpan.FromMilliseconds(1));
        metrics.RequestCompleted("key_b", "orders", 502, TimeSpan.FromMilliseconds(1));
        metrics.RequestCompleted(null, "contacts", 401, TimeSpan.FromMilliseconds(1));
        metrics.RequestCompleted(null, null, 404, TimeSpan.FromMilliseconds(1));
        metrics.RequestCompleted(null, null, 404, TimeSpan.FromMilliseconds(1));

        var samples = await MetricsText.ScrapeAsync(_registry);

        Assert.Equal(new Dictionary<string, double>
        {
            ["key_a|contacts|2xx"] = 4,
            ["key_a|contacts|4xx"] = 1,
            ["key_b|orders|4xx"] = 1,
            ["key_b|orders|5xx"] = 1,
            ["none|contacts|4xx"] = 1,
            ["none|none|4xx"] = 2,
        }, samples.Series("gateway_requests_total", "key_id", "route", "status"));
        Assert.Equal(new Dictionary<string, double> { ["contacts"] = 6, ["orders"] = 2, ["none"] = 2 },
            samples.Series("gateway_request_duration_seconds_count", "route"));
    }

    [Fact]
    public async Task AuthFailed_EveryReasonExistsFromStart_CountsOnlyItsOwn()
    {
        var metrics = Create();
        metrics.AuthFailed(AuthFailureReasons.Invalid);
        metrics.AuthFailed(AuthFailureReasons.Invalid);
        metrics.AuthFailed(AuthFailureReasons.InsufficientScope);
        metrics.AuthFailed("not-a-reason");

        var series = (await MetricsText.ScrapeAsync(_registry)).Series("gateway_auth_failures_total", "reason");

        var expected = AuthFailureReasons.All.ToDictionary(r => r, _ => 0d);
        expected[AuthFailureReasons.Invalid] = 2;
        expected[AuthFailureReasons.InsufficientScope] = 1;
        Assert.Equal(expected, series);
    }

    [Fact]
    public async Task RateLimited_PerKey_Counts()
    {
        var metrics = Create();
        metrics.RateLimited("key_a");
        metrics.RateLimited("key_a");
        metrics.RateLimited("key_b");

        var series = (await MetricsText.ScrapeAsync(_registry)).Series("gateway_rate_limited_total", "key_id");

        Assert.Equal(new Dictionary<string, double> { ["key_a"] = 2, ["key_b"] = 1 }, series);
    }

    [Fact]
    public async Task RequestCompleted_2000KeysWithCap1000_Exactly1000KeyLabelsPlusOther()
    {
        var metrics = Create(maxKeyLabels: 1000);
        for (var i = 0; i < 2000; i++)
        {
            metrics.RequestCompleted($"key_{i:D22}", "contacts", 200, TimeSpan.FromMilliseconds(1));
            metrics.RateLimited($"key_{i:D22}");
        }

        var samples = await MetricsText.ScrapeAsync(_registry);

        var requests = samples.Series("gateway_requests_total", "key_id");
        Assert.Equal(1001, requests.Count);
        Assert.Equal(1000, requests["other"]);
        Assert.Equal(1000, requests.Count(r => r.Key.StartsWith("key_", StringComparison.Ordinal) && r.Value == 1));
        var limited = samples.Series("gateway_rate_limited_total", "key_id");
        Assert.Equal(1001, limited.Count);
        Assert.Equal(1000, limited["other"]);
        Assert.Equal(2000, samples.Where(s => s.Name == "gateway_requests_total").Sum(s => s.Value));
    }

    [Fact]
    public async Task RequestCompleted_Duration_LandsInTheRightBucket()
    {
        var metrics = Create();
        metrics.RequestCompleted("key_a", "contacts", 200, TimeSpan.FromMilliseconds(30));

        var buckets = (await MetricsText.ScrapeAsync(_registry)).Series("gateway_request_duration_seconds_bucket", "route", "le");

        Assert.Equal(0, buckets["contacts|0.025"]);
        Assert.Equal(1, buckets["contacts|0.05"]);
        Assert.Equal(1, buckets["contacts|+Inf"]);
    }

    [Fact]
    public async Task Create_TwoRegistries_DoNotShareCounters()
    {
        var other = Prometheus.Metrics.NewCustomRegistry();
        var first = Create();
        var second = new GatewayMetrics(other, new KeyIdLabels(Options.Create(new MetricsOptions())));

        first.RequestCompleted("key_a", "contacts", 200, TimeSpan.Zero);
        second.RequestCompleted("key_a", "contacts", 200, TimeSpan.Zero);
        second.RequestCompleted("key_a", "contacts", 200, TimeSpan.Zero);

        Assert.Equal(1, (await MetricsText.ScrapeAsync(_registry)).Series("gateway_requests_total", "key_id")["key_a"]);
        Assert.Equal(2, (await MetricsText.ScrapeAsync(other)).Series("gateway_requests_total", "key_id")["key_a"]);
    }

    [Fact]
    public async Task RequestCompleted_Concurrent_CountsEveryRequestOnce()
    {
        var metrics = Create();
        string[] routes = ["contacts", "orders", "invoices"];
        int[] statuses = [200, 404, 429, 503];

        await Parallel.ForAsync(0, 4, TestContext.Current.CancellationToken, (worker, _) =>
        {
            for (var i = 0; i < 12_000; i++)
            {
                metrics.RequestCompleted($"key_{i % 10}", routes[i % 3], statuses[i % 4], TimeSpan.FromMilliseconds(1));
            }
            return ValueTask.CompletedTask;
        });

        var samples = await MetricsText.ScrapeAsync(_registry);
        var series = samples.Series("gateway_requests_total", "key_id", "route", "status");
        Assert.Equal(48_000, series.Values.Sum());
        Assert.Equal(4 * 200, series["key_0|contacts|2xx"]); // only i ≡ 0 (mod 60) is key_0, contacts and 200: 200 per worker
        Assert.Equal(48_000, samples.Series("gateway_request_duration_seconds_count", "route").Values.Sum());
    }
}
