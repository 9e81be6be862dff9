using ApiGateway.Gateway.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ApiGateway.Gateway.Tests.WebSockets;

/// <summary>Which requests are upgrades (docs/gateway.md "Protocols"): every one but a WebSocket handshake is refused.</summary>
public sealed class UpgradeRequestsTests
{
    [Theory]
    [InlineData("GET", "h2c", true)]          // curl --http2 on http://: before, an ordinary request (200, forwarded)
    [InlineData("GET", "H2C", true)]
    [InlineData("POST", "h2c", true)]
    [InlineData("GET", "h2c", false)]         // without Connection: Upgrade
    [InlineData("GET", "websocket", false)]   // a WebSocket upgrade without Connection: Upgrade
    [InlineData("POST", "websocket", true)]
    [InlineData("GET", "SPDY/3.1", true)]
    public void Classify_AnyUpgradeButAWebSocketHandshake_IsOther(string method, string upgrade, bool upgradable) =>
        Assert.Equal(UpgradeKind.Other, UpgradeRequests.Classify(Request(method, upgrade, upgradable)));

    [Fact]
    public void Classify_WebSocketHandshake_IsWebSocket() =>
        Assert.Equal(UpgradeKind.WebSocket, UpgradeRequests.Classify(Request("GET", "websocket", upgradable: true)));

    [Fact]
    public void Classify_NoUpgradeHeader_IsNone() =>
        Assert.Equal(UpgradeKind.None, UpgradeRequests.Classify(Request("GET", null, upgradable: false)));

    private static DefaultHttpContext Request(string method, string? upgrade, bool upgradable)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (upgrade is not null)
        {
            context.Request.Headers.Upgrade = upgrade;
        }
        context.Features.Set<IHttpUpgradeFeature>(new UpgradeFeature(upgradable));
        return context;
    }

    private sealed class UpgradeFeature(bool upgradable) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => upgradable;

        public Task<Stream> UpgradeAsync() => throw new NotSupportedException();
    }
}
