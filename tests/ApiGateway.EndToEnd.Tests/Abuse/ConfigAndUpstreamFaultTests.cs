using System.Diagnostics;
using System.Net;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>A real gateway process whose routes file is vandalised, and whose upstream dies and comes back.</summary>
[Collection(SerialFaults.Name)]
public sealed class ConfigAndUpstreamFaultTests : IAsyncLifetime
{
    private readonly UpstreamServer _upstream = new();
    private GatewayProcess _gateway = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _upstream.StartAsync(Ct);
        _gateway = await GatewayProcess.StartAsync(RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", _upstream.BaseAddress),
            ProcessPair.HighLimits, Ct);
        var key = await _gateway.Keys.MintAsync(["contacts:read", "billing:read"], cancellationToken: Ct);
        _client = _gateway.CreatePublicClient(key.Plaintext);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task RoutesFileReplacedWithGarbage_LastGoodConfigKeepsServingThenValidReloadApplies()
    {
        var routes = Path.Combine(_gateway.WorkingDirectory.FullName, "routes.json");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/v1/contacts/1"));

        foreach (var garbage in new[] { "{ not json", "", "{\"ReverseProxy\":{\"Routes\":{\"r\":{\"ClusterId\":\"nowhere\",\"Match\":{\"Path\":\"/x\"}}}}}" })
        {
            var logged = CountOf("keeping the last good routes");
            await File.WriteAllTextAsync(routes, garbage, Ct);
            await Poll.UntilAsync(_ => Task.FromResult(CountOf("keeping the last good routes")), n => n > logged, TimeSpan.FromSeconds(15), Ct);
            Assert.True(CountOf("keeping the last good routes") > logged, $"The reload of '{garbage}' was not refused. {_gateway.Process.Describe()}");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync("/v1/contacts/1"));
            Assert.False(_gateway.Process.HasExited, _gateway.Process.Describe());
        }

        await File.WriteAllTextAsync(routes, RoutesFile.SingleRoute("billing", "/v1/billing", "billing:read", _upstream.BaseAddress), Ct);
        var billing = await Poll.UntilAsync(_ => StatusAsync("/v1/billing/1"), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(HttpStatusCode.OK, billing);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/v1/contacts/1"));
    }

    [Fact]
    public async Task UpstreamDownAndBack_CircuitOpensFastThenCloses()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/v1/contacts/1"));
        await _upstream.StopAsync();

        var clock = Stopwatch.StartNew();
        var seen = new List<HttpStatusCode>();
        while (seen.LastOrDefault() != HttpStatusCode.ServiceUnavailable && seen.Count < 50)
        {
            seen.Add(await StatusAsync("/v1/contacts/1"));
        }
        var openedAfter = clock.Elapsed;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, seen[^1]);
        Assert.All(seen[..^1], s => Assert.Equal(HttpStatusCode.BadGateway, s));
        var openTiming = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync("/v1/contacts/1"));
        var openAnswer = openTiming.Elapsed;

        await _upstream.StartAsync(Ct);
        var closing = Stopwatch.StartNew();
        var recovered = await Poll.UntilAsync(_ => StatusAsync("/v1/contacts/1"), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20), Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Circuit opened after {seen.Count - 1} failures ({openedAfter.TotalMilliseconds:F0} ms); an open-circuit answer took {openAnswer.TotalMilliseconds:F0} ms; closed {closing.Elapsed.TotalMilliseconds:F0} ms after the upstream came back.");
        Assert.Equal(HttpStatusCode.OK, recovered);
        Assert.True(seen.Count <= 20, $"The circuit took {seen.Count} requests to open.");
    }

    private int CountOf(string text)
    {
        var output = _gateway.Process.Output;
        var count = 0;
        for (var i = output.IndexOf(text, StringComparison.Ordinal); i >= 0; i = output.IndexOf(text, i + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        return response.StatusCode;
    }
}
