using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.Keys.Model;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Usage;

/// <summary>Usage from a real gateway process with default settings: in the store within the contract's 10 s, and kept through a hard kill.</summary>
public sealed class UsageVisibilityTests : IAsyncLifetime
{
    private EchoGateway _stack = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GatewayProcess Gateway => _stack.Gateway;

    public async ValueTask InitializeAsync() => _stack = await EchoGateway.StartAsync(Ct);

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task Requests_DefaultFlush_VisibleWithin10SecondsAndSurviveAHardKill()
    {
        var key = await Gateway.Keys.MintAsync([EchoGateway.Scope], cancellationToken: Ct);
        await _stack.SendOkAsync(key.Plaintext, 6, Ct);
        var sent = DateTime.UtcNow;

        var usage = await Poll.UntilAsync(ct => Gateway.Keys.UsageOfAsync(key.Key.Id, ct), u => u.Last24h >= 6, TimeSpan.FromSeconds(15), Ct);
        var visibleAfter = DateTime.UtcNow - sent;

        Assert.Equal(new KeyUsage(6, 6, 6), usage);
        Assert.True(visibleAfter < TimeSpan.FromSeconds(10), $"Usage became visible after {visibleAfter.TotalSeconds:F1} s.");

        // A hard kill loses only what was counted since the last flush; flushed usage stays.
        Gateway.Kill();
        Assert.Equal(new KeyUsage(6, 6, 6), await Gateway.Keys.UsageOfAsync(key.Key.Id, Ct));
    }
}
