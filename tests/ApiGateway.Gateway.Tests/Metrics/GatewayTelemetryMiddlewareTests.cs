using ApiGateway.Gateway.Problems;

namespace ApiGateway.Gateway.Tests.Metrics;

public sealed class GatewayTelemetryMiddlewareTests : IAsyncLifetime
{
    private TelemetryTestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TelemetryTestHost.StartAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Invoke_ScriptedMix_CountsExactlyPerKeyRouteStatusAndReason()
    {
        for (var i = 0; i < 3; i++)
        {
            await _host.SendAsync("/contacts/1", keyId: "key_a");                                   // forwarded, 200
        }
        await _host.SendAsync("/orders/7", keyId: "key_a", reason: AuthFailureReasons.InsufficientScope, status: 403);
        await _host.SendAsync("/orders/7", keyId: "key_b", rateLimited: true, status: 429);
        await _host.SendAsync("/orders/7", keyId: "key_b", rateLimited: true, status: 429);
        await _host.SendAsync("/contacts/1", reason: AuthFailureReasons.Missing, status: 401);
        await _host.SendAsync("/contacts/1", reason: AuthFailureReasons.Invalid, status: 401);
        await _host.SendAsync("/contacts/1", reason: AuthFailureReasons.StoreUnavailable, status: 503);
        await _host.SendAsync("/nowhere/secret-id-123", keyId: "key_a");                              // no route: 404

        var samples = await MetricsText.ScrapeAsync(_host.Registry);

        Assert.Equal(new Dictionary<string, double>
        {
            ["key_a|contacts|2xx"] = 3,
            ["key_a|orders|4xx"] = 1,
            ["key_b|orders|4xx"] = 2,
            ["none|contacts|4xx"] = 2,
            ["none|contacts|5xx"] = 1,
            ["key_a|none|4xx"] = 1,
        }, samples.Series("gateway_requests_total", "key_id", "route", "status"));
        var reasons = samples.Series("gateway_auth_failures_total", "reason");
        Assert.Equal(1, reasons[AuthFailureReasons.InsufficientScope]);
        Assert.Equal(1, reasons[AuthFailureReasons.Missing]);
        Assert.Equal(1, reasons[AuthFailureReasons.Invalid]);
        Assert.Equal(1, reasons[AuthFailureReasons.StoreUnavailable]);
        Assert.Equal(4, reasons.Values.Sum());
        Assert.Equal(new Dictionary<string, double> { ["key_b"] = 2 }, samples.Series("gateway_rate_limited_total", "key_id"));
        Assert.Equal(new Dictionary<string, double> { ["contacts"] = 6, ["orders"] = 3, ["none"] = 1 },
            samples.Series("gateway_request_duration_seconds_count", "route"));
        Assert.Equal(3, _host.Upstream.Received.Count);
    }

    [Fact]
    public async Task Invoke_AnyRequest_NoRawPathInAnyLabel()
    {
        await _host.SendAsync("/contacts/secret-id-123", keyId: "key_a");
        await _host.SendAsync("/nowhere/secret-id-456");

        var samples = await MetricsText.ScrapeAsync(_host.Registry);

        Assert.DoesNotContain(samples, s => s.Labels.Values.Any(v => v.Contains("secret-id", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Invoke_AnyRequest_RuntimeMetricsButNoPrometheusHttpMetrics()
    {
        await _host.SendAsync("/contacts/1", keyId: "key_a");

        var samples = await MetricsText.ScrapeAsync(_host.Registry);

        // prometheus-net's HTTP metrics label by the raw method: a client could grow them without bound.
        Assert.DoesNotContain(samples, s => s.Name.StartsWith("http_request", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name == "process_cpu_seconds_total");
    }
}
