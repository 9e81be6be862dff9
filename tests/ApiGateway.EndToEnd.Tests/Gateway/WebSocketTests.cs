using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// WebSockets through a real gateway process over HTTPS, with .NET's ClientWebSocket over HTTP/1.1 (Upgrade) and HTTP/2
/// (RFC 8441 extended CONNECT), to a real Kestrel upstream (docs/gateway.md "Protocols"): refused with 400 on a route
/// without <c>"WebSockets": "true"</c>, checked like a GET where allowed, and closed within 1 s of the key's revocation
/// or expiry.
/// </summary>
public sealed class WebSocketTests(WebSocketGatewayFixture fixture) : IClassFixture<WebSocketGatewayFixture>
{
    public static readonly TheoryData<string> Versions = ["1.1", "2.0"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Handshake_RouteWithoutWebSocketsMetadata_Is400AndNeverForwarded(string version)
    {
        var (_, key) = await fixture.MintAsync([WebSocketGatewayFixture.Scope]);
        var before = fixture.Upstream.Received.Count(r => r.Path.StartsWith("/v1/plain", StringComparison.Ordinal));

        var status = await HandshakeStatusAsync(Version.Parse(version), "/v1/plain/socket", key);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(before, fixture.Upstream.Received.Count(r => r.Path.StartsWith("/v1/plain", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Handshake_PublicRouteWithoutWebSocketsMetadata_Is400(string version)
    {
        var status = await HandshakeStatusAsync(Version.Parse(version), "/v1/open/socket", key: null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Handshake_WebSocketsRouteWithReadScope_EchoesOverBothVersions(string version)
    {
        var (_, key) = await fixture.MintAsync([WebSocketGatewayFixture.Scope]);
        using var invoker = fixture.CreateInvoker();
        using var socket = WebSocketGatewayFixture.CreateSocket(Version.Parse(version), key);

        await socket.ConnectAsync(fixture.WebSocketUri("/v1/ws/echo"), invoker, Ct);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal("ping", await EchoAsync(socket, "ping"));
        var handshake = fixture.Upstream.Received.Last(r => r.Path == "/v1/ws/echo");
        Assert.Null(handshake.Header("Authorization"));
        Assert.Equal("ws_e2e", handshake.Header("X-Workspace-Id"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Handshake_RouteMatchingOnlyGet_AcceptsBothVersions(string version)
    {
        var (_, key) = await fixture.MintAsync([WebSocketGatewayFixture.Scope]);
        using var invoker = fixture.CreateInvoker();
        using var socket = WebSocketGatewayFixture.CreateSocket(Version.Parse(version), key);

        await socket.ConnectAsync(fixture.WebSocketUri("/v1/wsget/echo"), invoker, Ct);

        Assert.Equal("ping", await EchoAsync(socket, "ping"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
    }

    [Theory]
    [InlineData("POST", "websocket")]
    [InlineData("PUT", "websocket")]
    [InlineData("GET", "SPDY/3.1")]
    [InlineData("GET", "TLS/1.2")]
    [InlineData("GET", "websocket, foo")]
    [InlineData("GET", "foo")]
    public async Task RawUpgrade_NotAWebSocketHandshake_Is400EvenOnWebSocketsRoute(string method, string upgrade)
    {
        var (_, key) = await fixture.MintAsync([WebSocketGatewayFixture.Scope]);
        var before = fixture.Upstream.Received.Count;

        var status = await RawStatusAsync([
            $"{method} /v1/ws/raw HTTP/1.1", $"Host: {fixture.HttpAddress.Authority}", $"Authorization: Bearer {key}",
            "Connection: Upgrade", $"Upgrade: {upgrade}", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Content-Length: 0",
        ]);

        Assert.Equal(400, status);
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Fact]
    public async Task RawUpgrade_H2cOnPlainRoute_Is400LikeAnyOtherUpgrade()
    {
        // curl --http2 on http:// asks for h2c. Kestrel and YARP would ignore it, but docs/gateway.md "Protocols" refuses
        // every upgrade but a WebSocket handshake, and one rule is easier to trust than a list of harmless exceptions.
        var (_, key) = await fixture.MintAsync([WebSocketGatewayFixture.Scope]);
        var before = fixture.Upstream.Received.Count;

        var status = await RawStatusAsync([
            "GET /v1/plain/h2c HTTP/1.1", $"Host: {fixture.HttpAddress.Authority}", $"Authorization: Bearer {key}",
            "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
        ]);

        Assert.Equal(400, status);
        Assert.Equal(before, fixture.Upstream.Received.Count);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Handshake_KeyWithoutTheGetScope_Is403(string version)
    {
        var (_, key) = await fixture.MintAsync([WebSocketGatewayFixture.OtherScope]);

        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeStatusAsync(Version.Parse(version), "/v1/ws/echo", key));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Handshake_NoKey_Is401(string version)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeStatusAsync(Version.Parse(version), "/v1/ws/echo", key: null));
    }

    [Fact]
    public async Task Revoke_ClosesOpenWebSocketsOverBothVersionsWithinOneSecond()
    {
        var (id, key) = await fixture.MintAsync([WebSocketGatewayFixture.Scope]);
        using var invoker = fixture.CreateInvoker();
        using var http1 = WebSocketGatewayFixture.CreateSocket(HttpVersion.Version11, key);
        using var http2 = WebSocketGatewayFixture.CreateSocket(HttpVersion.Version20, key);
        await http1.ConnectAsync(fixture.WebSocketUri("/v1/ws/one"), invoker, Ct);
        await http2.ConnectAsync(fixture.WebSocketUri("/v1/ws/two"), invoker, Ct);
        Assert.Equal("before", await EchoAsync(http1, "before"));
        Assert.Equal("before", await EchoAsync(http2, "before"));
        var closed1 = WaitClosedAsync(http1);
        var closed2 = WaitClosedAsync(http2);

        await fixture.RevokeAsync(id);
        var sinceRevoke = Stopwatch.StartNew();
        var ended = await Task.WhenAll(closed1, closed2).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var elapsed = sinceRevoke.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"Tunnels closed {ended[0].TotalMilliseconds:F0} / {ended[1].TotalMilliseconds:F0} ms after the revoke returned.");

        Assert.True(elapsed <= TimeSpan.FromSeconds(1), $"The tunnels stayed open {elapsed.TotalMilliseconds:F0} ms after revocation.");
    }

    [Fact]
    public async Task Expiry_ClosesOpenWebSocketWithinOneSecond()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var (_, key) = await fixture.MintAsync([WebSocketGatewayFixture.Scope], expiresAt);
        using var invoker = fixture.CreateInvoker();
        using var socket = WebSocketGatewayFixture.CreateSocket(HttpVersion.Version20, key);
        await socket.ConnectAsync(fixture.WebSocketUri("/v1/ws/expiring"), invoker, Ct);
        Assert.Equal("before", await EchoAsync(socket, "before"));

        await WaitClosedAsync(socket).WaitAsync(TimeSpan.FromSeconds(15), Ct);
        var late = DateTimeOffset.UtcNow - expiresAt;
        TestContext.Current.TestOutputHelper?.WriteLine($"Tunnel closed {late.TotalMilliseconds:F0} ms after expiry.");

        Assert.True(late <= TimeSpan.FromSeconds(1), $"The tunnel stayed open {late.TotalMilliseconds:F0} ms after expiry.");
    }

    [Fact]
    public async Task HalfOpenTrial_IsAWebSocket_OtherRequestsAreServedWhileItIsOpen()
    {
        var (_, key) = await fixture.MintAsync([WebSocketGatewayFixture.Scope]);
        using var client = fixture.CreateHttpClient(key);
        await fixture.Upstream.StopAsync();
        try
        {
            var status = HttpStatusCode.OK;
            for (var i = 0; i < 12 && status != HttpStatusCode.ServiceUnavailable; i++)
            {
                using var failing = await client.GetAsync(new Uri("/v1/ws/down", UriKind.Relative), Ct);
                status = failing.StatusCode;
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        }
        finally
        {
            await fixture.Upstream.StartAsync(Ct);
        }
        // The break has to pass with no request at all, so that the WebSocket below is the trial: nothing to observe but time.
        await Task.Delay(TimeSpan.FromSeconds(5.5), Ct);

        using var invoker = fixture.CreateInvoker();
        using var socket = WebSocketGatewayFixture.CreateSocket(HttpVersion.Version20, key);
        await socket.ConnectAsync(fixture.WebSocketUri("/v1/ws/trial"), invoker, Ct);
        Assert.Equal("trial", await EchoAsync(socket, "trial"));

        for (var i = 0; i < 3; i++)
        {
            using var other = await client.GetAsync(new Uri($"/v1/ws/while-open-{i}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        Assert.Equal("still", await EchoAsync(socket, "still"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
    }

    private async Task<HttpStatusCode> HandshakeStatusAsync(Version version, string path, string? key)
    {
        using var invoker = fixture.CreateInvoker();
        using var socket = WebSocketGatewayFixture.CreateSocket(version, key);
        try
        {
            await socket.ConnectAsync(fixture.WebSocketUri(path), invoker, Ct);
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
        return socket.HttpStatusCode;
    }

    /// <summary>Sends one raw HTTP/1.1 request head to the plain-HTTP listener and returns the status of the answer.</summary>
    private async Task<int> RawStatusAsync(string[] lines)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(fixture.HttpAddress.Host, fixture.HttpAddress.Port, Ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n"), Ct);
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
            if (read == 0)
            {
                break;
            }
            head.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
        var statusLine = head.ToString().Split("\r\n")[0];
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> EchoAsync(ClientWebSocket socket, string text)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, Ct);
        var buffer = new byte[1024];
        var result = await socket.ReceiveAsync(buffer, Ct);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    /// <summary>Completes when the socket ends (close frame or aborted connection), with the time it took.</summary>
    private static async Task<TimeSpan> WaitClosedAsync(ClientWebSocket socket)
    {
        var started = Stopwatch.StartNew();
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException)
        {
            // Aborted by the gateway: the outcome under test.
        }
        return started.Elapsed;
    }
}
