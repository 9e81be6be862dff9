using System.Net;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.Keys.Model;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Usage;

/// <summary>Usage batching in a real gateway process: a graceful stop writes what the periodic flush has not yet.</summary>
public sealed class UsageShutdownTests : IAsyncLifetime
{
    private readonly UpstreamServer _upstream = new();
    private GatewayProcess _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _upstream.StartAsync(Ct);
        // A long flush interval, so only the shutdown flush can write the usage.
        _gateway = await GatewayProcess.StartAsync(
            RoutesFile.SingleRoute("echo", "/v1/echo", "echo:read", _upstream.BaseAddress),
            new Dictionary<string, string> { ["Usage__FlushSeconds"] = "60" },
            Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Sigterm_PendingUsage_IsWrittenBeforeExit()
    {
        var key = await _gateway.Keys.MintAsync(["echo:read"], cancellationToken: Ct);
        using (var client = _gateway.CreatePublicClient(key.Plaintext))
        {
            for (var i = 0; i < 9; i++)
            {
                using var response = await client.GetAsync(new Uri("/v1/echo/ping", UriKind.Relative), Ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"Request {i}: {response.StatusCode}. {_gateway.Process.Describe()}");
            }
        }
        Assert.Equal(KeyUsage.None, await _gateway.Keys.UsageOfAsync(key.Key.Id, Ct));

        await _gateway.StopAsync();

        Assert.Equal(new KeyUsage(9, 9, 9), await _gateway.Keys.UsageOfAsync(key.Key.Id, Ct));
        Assert.NotNull((await _gateway.Keys.Store.GetAsync(key.Key.Id, Ct))!.LastUsedAt);
    }
}
