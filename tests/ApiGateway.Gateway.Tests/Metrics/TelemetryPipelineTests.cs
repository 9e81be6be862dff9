using System.Net;
using ApiGateway.Gateway.Problems;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Metrics;

/// <summary>Metrics and usage through the real gateway pipeline (auth, scopes, YARP), scraped on the internal port.</summary>
public sealed class TelemetryPipelineTests : IAsyncLifetime
{
    private const int InternalPort = 9091;
    private readonly GatewayFactory _factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _factory.InitializeAsync();

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Pipeline_ScriptedMix_MetricsHaveExactCountsPerKeyReasonAndStatus()
    {
        var live = await _factory.MintAsync(["contacts:read"]);
        var test = await _factory.MintAsync(["payments:read"], mode: KeyMode.Test);
        var revoked = await _factory.MintAsync(["contacts:read"]);
        await _factory.Mutations.RevokeAsync(revoked.Key.Id, GatewayFactory.TestActor, Ct);
        var unknown = _factory.Services.GetRequiredService<KeyFormat>().Mint(KeyMode.Live);
        var disabled = await _factory.MintAsync(["contacts:read"]);
        await _factory.DisableAsync(disabled.Key.Id);

        for (var i = 0; i < 3; i++)
        {
            await SendAsync(live.Plaintext, "/v1/contacts/1", HttpStatusCode.OK);
        }
        await SendAsync(live.Plaintext, "/v1/invoices/1", HttpStatusCode.Forbidden);     // insufficient_scope
        await SendAsync(test.Plaintext, "/v1/payments/1", HttpStatusCode.Forbidden);     // mode_denied
        await SendAsync(null, "/v1/contacts/1", HttpStatusCode.Unauthorized);             // missing
        await SendAsync("junk", "/v1/contacts/1", HttpStatusCode.Unauthorized);           // malformed
        await SendAsync(unknown, "/v1/contacts/1", HttpStatusCode.Unauthorized);          // invalid
        await SendAsync(revoked.Plaintext, "/v1/contacts/1", HttpStatusCode.Unauthorized); // invalid
        await SendAsync(disabled.Plaintext, "/v1/contacts/1", HttpStatusCode.Forbidden);  // disabled
        await SendAsync(live.Plaintext, "/v1/contacts/1?api_key=x", HttpStatusCode.BadRequest); // query_key
        await SendAsync(live.Plaintext, "/nowhere/key_123", HttpStatusCode.NotFound);     // no route
        await SendAsync(null, "/v1/status", HttpStatusCode.OK);                           // public route

        var samples = MetricsText.Parse(await ScrapeAsync());

        Assert.Equal(new Dictionary<string, double>
        {
            [$"{live.Key.Id}|contacts|2xx"] = 3,
            [$"{live.Key.Id}|invoices|4xx"] = 1,
            [$"{test.Key.Id}|payments|4xx"] = 1,
            ["none|contacts|4xx"] = 6,
            ["none|none|4xx"] = 1,
            ["none|status|2xx"] = 1,
        }, samples.Series("gateway_requests_total", "key_id", "route", "status"));
        var expectedReasons = AuthFailureReasons.All.ToDictionary(r => r, _ => 0d);
        expectedReasons[AuthFailureReasons.InsufficientScope] = 1;
        expectedReasons[AuthFailureReasons.ModeDenied] = 1;
        expectedReasons[AuthFailureReasons.Missing] = 1;
        expectedReasons[AuthFailureReasons.Malformed] = 1;
        expectedReasons[AuthFailureReasons.Invalid] = 2;
        expectedReasons[AuthFailureReasons.Disabled] = 1;
        expectedReasons[AuthFailureReasons.QueryKey] = 1;
        Assert.Equal(expectedReasons, samples.Series("gateway_auth_failures_total", "reason"));
        Assert.Empty(samples.Series("gateway_rate_limited_total", "key_id"));
        Assert.Equal(new Dictionary<string, double> { ["contacts"] = 9, ["invoices"] = 1, ["payments"] = 1, ["none"] = 1, ["status"] = 1 },
            samples.Series("gateway_request_duration_seconds_count", "route"));
        // No secret, hash or raw path in any label.
        var labelValues = samples.SelectMany(s => s.Labels.Values).ToList();
        Assert.DoesNotContain(labelValues, v => v.Contains("agw_", StringComparison.Ordinal) || v.Contains("key_123", StringComparison.Ordinal));
    }

    /// <summary>
    /// Invented method tokens (and wrong-case or unrouted standard ones) are refused before routing and authentication,
    /// never reach the upstream, and add no series: the metrics after 60 distinct tokens are the metrics after 30.
    /// </summary>
    [Fact]
    public async Task Pipeline_InventedMethods_RefusedAndMetricSeriesStayBounded()
    {
        var key = await _factory.MintAsync(["contacts:read", "contacts:write"]);
        using var client = _factory.CreateKeyClient(key.Plaintext);

        async Task SendJunkAsync(int from, int count)
        {
            for (var i = from; i < from + count; i++)
            {
                using var junk = new HttpRequestMessage(new HttpMethod($"XJUNK{i}"), $"/v1/contacts/junk{i}");
                using var response = await client.SendAsync(junk, Ct);
                await ProblemAssert.HasAsync(response, 501, "Method not implemented", "method-not-implemented");
            }
            foreach (var method in new[] { "get", "TRACE", "Post" })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), $"/v1/contacts/junk{from}");
                using var response = await client.SendAsync(request, Ct);
                await ProblemAssert.HasAsync(response, 405, "Method not allowed", "method-not-allowed");
                Assert.Equal("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", string.Join(", ", response.Content.Headers.Allow));
            }
        }

        await SendJunkAsync(0, 30);
        var before = MetricsText.Parse(await ScrapeAsync()).Where(s => !IsRuntime(s)).Select(Describe).ToHashSet();
        await SendJunkAsync(30, 30);
        var after = MetricsText.Parse(await ScrapeAsync());

        Assert.Equal(before, after.Where(s => !IsRuntime(s)).Select(Describe).ToHashSet());
        Assert.DoesNotContain(after, s => s.Labels.Values.Any(v => v.Contains("junk", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(new Dictionary<string, double> { ["none|none|5xx"] = 60, ["none|none|4xx"] = 6 },
            after.Series("gateway_requests_total", "key_id", "route", "status"));
        Assert.Empty(_factory.Upstream.Received);

        static bool IsRuntime(MetricSample sample) => sample.Name.StartsWith("process_", StringComparison.Ordinal) || sample.Name.StartsWith("dotnet_", StringComparison.Ordinal);

        static string Describe(MetricSample sample) => sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) + "}";
    }

    /// <summary>Every label the gateway exports takes its value from a closed set, the routes file or the bounded key ids.</summary>
    [Fact]
    public async Task Pipeline_HostileRequests_EveryLabelValueFromABoundedSet()
    {
        var key = await _factory.MintAsync(["contacts:read"]);
        using var client = _factory.CreateKeyClient(key.Plaintext);
        foreach (var path in new[] { "/v1/contacts/a?x=hostile1", "/hostile2/x", "/v1/invoices/hostile3", "/v1/contacts/1?api_key=hostile4" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("X-Workspace-Id", "hostile5");
            request.Headers.TryAddWithoutValidation("User-Agent", "hostile6");
            using var response = await client.SendAsync(request, Ct);
        }

        var samples = MetricsText.Parse(await ScrapeAsync());

        var routes = new HashSet<string>(["contacts", "invoices", "reports", "ledger", "payments", "orders", "status", "none"], StringComparer.Ordinal);
        var allowed = new Dictionary<string, Func<string, bool>>(StringComparer.Ordinal)
        {
            ["key_id"] = v => v is "none" or "other" || v == key.Key.Id,
            ["route"] = routes.Contains,
            ["status"] = v => v is "1xx" or "2xx" or "3xx" or "4xx" or "5xx",
            ["reason"] = AuthFailureReasons.All.Contains,
            ["le"] = _ => true,          // histogram buckets: fixed in code
            ["generation"] = v => v is "0" or "1" or "2", // dotnet_collection_count_total
        };
        foreach (var sample in samples)
        {
            foreach (var (name, value) in sample.Labels)
            {
                Assert.True(allowed.TryGetValue(name, out var isAllowed), $"unexpected label {name} on {sample.Name}");
                Assert.True(isAllowed(value), $"{sample.Name}{{{name}=\"{value}\"}} is not from a bounded set");
            }
        }
        Assert.DoesNotContain(samples, s => s.Labels.Values.Any(v => v.Contains("hostile", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Metrics_PublicPort_IsNotFound()
    {
        using var client = _factory.CreateKeyClient(null);

        using var response = await client.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("gateway_", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_InternalPort_ServesTextAndScrapesAreNotCounted()
    {
        var first = await ScrapeAsync();
        var second = MetricsText.Parse(await ScrapeAsync());

        Assert.Contains("# TYPE gateway_requests_total counter", first, StringComparison.Ordinal);
        Assert.Empty(second.Series("gateway_requests_total", "key_id"));
        Assert.Contains(second, s => s.Name == "process_cpu_seconds_total");
    }

    [Fact]
    public async Task Pipeline_NRequestsWithAKey_UsageEqualsNAfterOneFlushInterval()
    {
        var key = await _factory.MintAsync(["contacts:read"]);
        for (var i = 0; i < 12; i++)
        {
            await SendAsync(key.Plaintext, "/v1/contacts/1", HttpStatusCode.OK);
        }
        await SendAsync(key.Plaintext, "/v1/invoices/1", HttpStatusCode.Forbidden); // refused after authenticating: still usage
        var usage = _factory.Services.GetRequiredService<IUsageStore>();
        Assert.Equal(0, (await UsageAsync(usage, key.Key.Id)).Last24h);

        _factory.Clock.Advance(TimeSpan.FromSeconds(5));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        var seen = await UsageAsync(usage, key.Key.Id);
        while (seen.Last24h < 13 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct); // poll interval
            seen = await UsageAsync(usage, key.Key.Id);
        }
        Assert.Equal(new KeyUsage(13, 13, 13), seen);
        Assert.NotNull((await _factory.Store.GetAsync(key.Key.Id, Ct))!.LastUsedAt);
    }

    [Fact]
    public async Task Pipeline_RateLimitedKey_Counts429PerKeyAndAsUsage()
    {
        var issuer = _factory.Services.GetRequiredService<ApiGateway.Keys.Mutations.KeyMutationService>();
        var spec = new ApiGateway.Keys.Mutations.KeySpec("limited", "ws_main", ["contacts:read"], null, KeyMode.Live, null, null,
            new RateLimitOverride(2, 60), null, [], []);
        var key = (await issuer.CreateAsync(spec, GatewayFactory.TestActor, Ct)).Issued!;

        await SendAsync(key.Plaintext, "/v1/contacts/1", HttpStatusCode.OK);
        await SendAsync(key.Plaintext, "/v1/contacts/1", HttpStatusCode.OK);
        await SendAsync(key.Plaintext, "/v1/contacts/1", HttpStatusCode.TooManyRequests);

        var samples = MetricsText.Parse(await ScrapeAsync());
        Assert.Equal(new Dictionary<string, double> { [key.Key.Id] = 1 }, samples.Series("gateway_rate_limited_total", "key_id"));
        Assert.Equal(new Dictionary<string, double> { [$"{key.Key.Id}|contacts|2xx"] = 2, [$"{key.Key.Id}|contacts|4xx"] = 1 },
            samples.Series("gateway_requests_total", "key_id", "route", "status"));

        await _factory.Services.GetRequiredService<ApiGateway.Gateway.Usage.UsageRecorder>().FlushAsync(Ct);
        Assert.Equal(3, (await UsageAsync(_factory.Services.GetRequiredService<IUsageStore>(), key.Key.Id)).Last24h);
    }

    private async Task<KeyUsage> UsageAsync(IUsageStore usage, string keyId) =>
        (await usage.GetUsageAsync([keyId], _factory.Clock.GetUtcNow(), Ct)).GetValueOrDefault(keyId, KeyUsage.None);

    private async Task SendAsync(string? key, string path, HttpStatusCode expected)
    {
        using var client = _factory.CreateKeyClient(key);
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>GET /metrics as if it arrived on the internal listener (TestServer has no ports: set the local port).</summary>
    private async Task<string> ScrapeAsync()
    {
        var context = await _factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/metrics";
            c.Connection.LocalPort = InternalPort;
        }, Ct);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        using var reader = new StreamReader(context.Response.Body);
        return await reader.ReadToEndAsync(Ct);
    }
}
