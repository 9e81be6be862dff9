using System.Net;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.Keys.Model;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Usage;

/// <summary>Usage from a real gateway process with default settings: in the store within the contract's 10 s, and kept through a hard kill.</summary>
public sealed class UsageVisibilityTests : IAsyncLifetime
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
    public async Task Requests_DefaultFlush_VisibleWithin10SecondsAndSurviveAHardKill()
    {
        var key = await _gateway.Keys.MintAsync(["echo:read"], cancellationToken: Ct);
        using (var client = _gateway.CreatePublicClient(key.Plaintext))
        {
            for (var i = 0; i < 6; i++)
            {
                using var response = await client.GetAsync(new Uri("/v1/echo/ping", UriKind.Relative), Ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"Request {i}: {response.StatusCode}. {_gateway.Process.Describe()}");
            }
        }
        var sent = DateTime.UtcNow;

        var usage = await Poll.UntilAsync(ct => _gateway.Keys.UsageOfAsync(key.Key.Id, ct), u => u.Last24h >= 6, TimeSpan.FromSeconds(15), Ct);
        var visibleAfter = DateTime.UtcNow - sent;

        Assert.Equal(new KeyUsage(6, 6, 6), usage);
        Assert.True(visibleAfter < TimeSpan.FromSeconds(10), $"Usage became visible after {visibleAfter.TotalSeconds:F1} s.");

        // A hard kill loses only what was counted since the last flush; flushed usage stays.
        _gateway.Kill();
        Assert.Equal(new KeyUsage(6, 6, 6), await _gateway.Keys.UsageOfAsync(key.Key.Id, Ct));
    }
}
