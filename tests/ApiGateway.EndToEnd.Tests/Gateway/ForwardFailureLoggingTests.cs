using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// Issue 26.5 on a real process: an upstream that does not answer in time and a client that leaves mid-forward are each
/// one structured log line without a stack trace (Warning for the upstream's fault, Debug for the client's), not YARP's
/// Warning with 15-80 lines of stack (gateway/Proxy/ForwarderErrorLogging.cs).
/// </summary>
public sealed class ForwardFailureLoggingTests : IAsyncLifetime
{
    private const string Category = "ApiGateway.Gateway.Proxy.ForwarderErrorLogging";
    private readonly SilentUpstream _upstream = new();
    private GatewayProcess _gateway = null!;
    private string _key = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var routes = JsonSerializer.Serialize(new
        {
            ReverseProxy = new
            {
                Routes = new Dictionary<string, object>
                {
                    ["slow"] = new { ClusterId = "slow", Match = new { Path = "/v1/slow/{**rest}" }, Metadata = new Dictionary<string, string> { ["Scopes"] = "slow:read" } },
                },
                Clusters = new Dictionary<string, object>
                {
                    ["slow"] = new
                    {
                        HttpRequest = new { ActivityTimeout = "00:00:01" },
                        Destinations = new Dictionary<string, object> { ["d1"] = new { Address = _upstream.Address.ToString() } },
                    },
                },
            },
        });
        _gateway = await GatewayProcess.StartAsync(routes, new Dictionary<string, string>
        {
            // Client-caused ends are Debug; the shipped settings keep YARP's own forwarder at Error.
            [$"Logging__LogLevel__{Category}"] = "Debug",
        }, Ct);
        _key = (await _gateway.Keys.MintAsync(["slow:read"], cancellationToken: Ct)).Plaintext;
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Dispose();
    }

    [Fact]
    public async Task Forward_UpstreamSilentPastTheActivityTimeout_504AndOneWarningLineWithoutStack()
    {
        using var client = _gateway.CreatePublicClient(_key);

        using var response = await client.GetAsync(new Uri("/v1/slow/timeout", UriKind.Relative), Ct);
        var lines = await LogLinesAsync("failed upstream");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var line = Assert.Single(lines);
        Assert.StartsWith("warn: " + Category, line.Header, StringComparison.Ordinal);
        Assert.Contains("route slow failed upstream: RequestTimedOut", line.Message, StringComparison.Ordinal);
        AssertNoStackTrace();
    }

    [Fact]
    public async Task Forward_ClientLeavesWhileTheUpstreamThinks_OneDebugLineWithoutStack()
    {
        using var client = _gateway.CreatePublicClient(_key);
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var upstreamGotIt = _upstream.NextRequest();

        var request = client.GetAsync(new Uri("/v1/slow/abort", UriKind.Relative), leave.Token);
        await upstreamGotIt.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        var lines = await LogLinesAsync("ended by the client");

        var line = Assert.Single(lines);
        Assert.StartsWith("dbug: " + Category, line.Header, StringComparison.Ordinal);
        Assert.Contains("route slow ended by the client: RequestCanceled", line.Message, StringComparison.Ordinal);
        AssertNoStackTrace();
    }

    /// <summary>The gateway's log entries (simple console format: a header line, then the indented message) whose message contains <paramref name="text"/>, once one is there.</summary>
    private async Task<List<(string Header, string Message)>> LogLinesAsync(string text)
    {
        var found = await Poll.UntilAsync(_ => Task.FromResult(Entries().Where(e => e.Message.Contains(text, StringComparison.Ordinal)).ToList()),
            entries => entries.Count > 0, TimeSpan.FromSeconds(30), Ct);
        return found;

        IEnumerable<(string Header, string Message)> Entries()
        {
            var lines = _gateway.Process.Output.Split('\n');
            for (var i = 0; i + 1 < lines.Length; i++)
            {
                if (lines[i].Length > 6 && lines[i][4] == ':' && lines[i + 1].StartsWith("      ", StringComparison.Ordinal))
                {
                    yield return (lines[i].Trim(), lines[i + 1].Trim());
                }
            }
        }
    }

    private void AssertNoStackTrace()
    {
        var output = _gateway.Process.Output;
        Assert.False(output.Contains("   at ", StringComparison.Ordinal), output);
    }

    /// <summary>A real TCP upstream that reads requests and never answers, as a hung backend does.</summary>
    private sealed class SilentUpstream : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SilentUpstream()
        {
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _ = AcceptAsync();
        }

        public Uri Address { get; }

        /// <summary>Completes when the next request's first bytes arrive.</summary>
        public Task NextRequest()
        {
            lock (_held)
            {
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _next.Task;
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_held)
            {
                _held.ForEach(c => c.Dispose());
            }
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_held)
                    {
                        _held.Add(connection);
                    }
                    _ = ReadAsync(connection);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task ReadAsync(TcpClient connection)
        {
            var buffer = new byte[4096];
            try
            {
                while (await connection.GetStream().ReadAsync(buffer, _stop.Token) > 0)
                {
                    lock (_held)
                    {
                        _next.TrySetResult();
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }
    }
}
