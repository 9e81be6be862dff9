using System.Net;
using System.Net.Sockets;
using System.Text;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>
/// Connection floods against a real gateway process under a small open-file limit (docs/gateway.md "Connection
/// limits"): every descriptor held by an idle half-sent request is one the process cannot use for its database, its
/// upstream connections or its internal port.
/// </summary>
public sealed class ConnectionFloodTests
{
    private const int OpenFileLimit = 1024;

    [Fact]
    public async Task HalfSentRequests_MoreThanTheFileLimit_ProcessStaysUpAndInternalPortAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = new UpstreamServer();
        await upstream.StartAsync(ct);
        await using var gateway = await GatewayProcess.StartAsync(
            RoutesFile.SingleRoute(EchoGateway.Route, "/v1/echo", EchoGateway.Scope, upstream.BaseAddress), settings: null, OpenFileLimit, ct);
        var key = await gateway.Keys.MintAsync([EchoGateway.Scope], cancellationToken: ct);

        var flood = new List<Socket>();
        try
        {
            // Four times the file limit: far more than the process could hold open if it accepted them all.
            for (var i = 0; i < OpenFileLimit * 4 && await OpenHalfSentRequestAsync(gateway.PublicAddress, ct) is { } socket; i++)
            {
                flood.Add(socket);
            }

            using var internalClient = gateway.CreateInternalClient();
            internalClient.Timeout = TimeSpan.FromSeconds(10);
            using var ready = await internalClient.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
            Assert.True(ready.StatusCode == HttpStatusCode.OK, $"/readyz during the flood: {ready.StatusCode}. {gateway.Process.Describe()}");
            using var metrics = await internalClient.GetAsync(new Uri("/metrics", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.False(gateway.Process.HasExited, gateway.Process.Describe());
        }
        finally
        {
            foreach (var socket in flood)
            {
                socket.Dispose();
            }
        }

        // The flood is gone: the public port serves again, without a restart.
        using var client = gateway.CreatePublicClient(key.Plaintext);
        var status = await Poll.UntilAsync(
            async token =>
            {
                using var response = await client.GetAsync(new Uri("/v1/echo/after-flood", UriKind.Relative), token);
                return response.StatusCode;
            },
            s => s == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            ct);
        Assert.True(status == HttpStatusCode.OK, $"After the flood: {status}. {gateway.Process.Describe()}");
        Assert.False(gateway.Process.HasExited, gateway.Process.Describe());

        // Refusals are reported as one summary line, not one Kestrel warning per refused connection.
        var output = await Poll.UntilAsync(_ => Task.FromResult(gateway.Process.Output), o => o.Contains("at the connection limit", StringComparison.Ordinal), TimeSpan.FromSeconds(10), ct);
        Assert.Contains("Connection limits: ", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), line => line.Contains("at the connection limit", StringComparison.Ordinal));
        Assert.DoesNotContain("maximum number of concurrent connections", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Connects and sends a request line and one header, never the blank line that ends the headers. Null once the
    /// gateway stops taking connections (the listen backlog is full and the connect does not complete).
    /// </summary>
    private static async Task<Socket?> OpenHalfSentRequestAsync(Uri server, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /v1/echo/slow HTTP/1.1\r\nHost: gateway\r\n"), timeout.Token);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return null;
        }
    }
}
