using System.Net;
using System.Text;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Abuse;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// Request body limits on a real gateway process (docs/gateway.md "Request bodies"): <c>Gateway__MaxRequestBodySize</c>
/// for every route, a route's YARP <c>MaxRequestBodySize</c> above or below it, a declared length refused before the
/// upstream is contacted, a chunked body cut where it crosses the limit, and a route limit changed by a reload.
/// </summary>
public sealed class RequestBodyLimitTests
{
    private const int GlobalLimit = 1_000;
    private const int UploadsLimit = 10_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeclaredLengthOverTheLimit_413ProblemAndTheUpstreamIsNeverContacted()
    {
        await using var stack = await BodyStack.StartAsync();

        var response = await RawHttp.SendAsync(stack.Gateway.PublicAddress, RawHttp.Request(
            ["POST /v1/files/declared HTTP/1.1", "Host: gateway", $"Authorization: Bearer {stack.Key}", "Content-Type: application/octet-stream", "Content-Length: 5000"],
            new string('x', 100)), Ct);

        Assert.True(response.Status == 413, $"{response}\n{stack.Gateway.Process.Describe()}");
        Assert.Contains("Content-Type: application/problem+json", response.Head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("request-body-too-large", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(stack.Upstream.Received, r => r.Path.Contains("declared", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChunkedBodyGrowingPastTheLimit_413ProblemAndOneLogLineWithoutStack()
    {
        await using var stack = await BodyStack.StartAsync();
        var before = stack.Gateway.Process.Output.Length;

        var response = await RawHttp.SendAsync(stack.Gateway.PublicAddress, RawHttp.Request(
            ["POST /v1/files/chunked HTTP/1.1", "Host: gateway", $"Authorization: Bearer {stack.Key}", "Transfer-Encoding: chunked"],
            Chunked(new string('y', 3 * GlobalLimit), chunkSize: 250)), Ct);

        Assert.True(response.Status == 413, $"{response}\n{stack.Gateway.Process.Describe()}");
        Assert.Contains("request-body-too-large", response.Body, StringComparison.Ordinal);
        var logged = await Poll.UntilAsync(
            _ => Task.FromResult(stack.Gateway.Process.Output[before..]),
            o => o.Contains("too large", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            Ct);
        Assert.Single(logged.Split('\n'), line => line.Contains("too large", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteLimitAboveTheGlobalOne_BodyWithinItForwardedAndDeclaredOverIt413()
    {
        await using var stack = await BodyStack.StartAsync();
        using var client = stack.Gateway.CreatePublicClient(stack.Key);

        using var within = await client.PostAsync(new Uri("/v1/uploads/within", UriKind.Relative), new ByteArrayContent(new byte[5_000]), Ct);
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        using var over = await client.PostAsync(new Uri("/v1/uploads/over", UriKind.Relative), new ByteArrayContent(new byte[UploadsLimit + 1]), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
        using var global = await client.PostAsync(new Uri("/v1/files/global", UriKind.Relative), new ByteArrayContent(new byte[5_000]), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, global.StatusCode);

        Assert.Single(stack.Upstream.Received, r => r.Path == "/v1/uploads/within");
        Assert.DoesNotContain(stack.Upstream.Received, r => r.Path is "/v1/uploads/over" or "/v1/files/global");
    }

    [Fact]
    public async Task RouteLimitChangedByAReload_AppliesWithoutRestart()
    {
        await using var stack = await BodyStack.StartAsync();
        using var client = stack.Gateway.CreatePublicClient(stack.Key);
        using (var before = await client.PostAsync(new Uri("/v1/uploads/before", UriKind.Relative), new ByteArrayContent(new byte[5_000]), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Only MaxRequestBodySize changes: YARP's RouteConfig.Equals does not compare it.
        await File.WriteAllTextAsync(Path.Combine(stack.Gateway.WorkingDirectory.FullName, "routes.json"), Routes(stack.Upstream.BaseAddress, uploadsLimit: 100), Ct);

        var status = await Poll.UntilAsync(
            async token =>
            {
                using var response = await client.PostAsync(new Uri("/v1/uploads/after", UriKind.Relative), new ByteArrayContent(new byte[5_000]), token);
                return response.StatusCode;
            },
            s => s == HttpStatusCode.RequestEntityTooLarge,
            TimeSpan.FromSeconds(15),
            Ct);
        Assert.True(status == HttpStatusCode.RequestEntityTooLarge, $"Still {status} 15 s after the route's limit went down to 100 bytes. {stack.Gateway.Process.Describe()}");
    }

    private static string Chunked(string body, int chunkSize)
    {
        var text = new StringBuilder();
        for (var i = 0; i < body.Length; i += chunkSize)
        {
            var chunk = body.Substring(i, Math.Min(chunkSize, body.Length - i));
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{chunk.Length:x}\r\n{chunk}\r\n");
        }
        return text.Append("0\r\n\r\n").ToString();
    }

    /// <summary>Route <c>files</c> takes the global limit; route <c>uploads</c> has its own.</summary>
    private static string Routes(Uri upstream, long uploadsLimit) => JsonSerializer.Serialize(new
    {
        ReverseProxy = new
        {
            Routes = new Dictionary<string, object>
            {
                ["files"] = new { ClusterId = "upstream", Match = new { Path = "/v1/files/{**rest}" }, Metadata = new Dictionary<string, string> { ["Resource"] = "files" } },
                ["uploads"] = new
                {
                    ClusterId = "upstream",
                    Match = new { Path = "/v1/uploads/{**rest}" },
                    MaxRequestBodySize = uploadsLimit,
                    Metadata = new Dictionary<string, string> { ["Resource"] = "files" },
                },
            },
            Clusters = new Dictionary<string, object>
            {
                ["upstream"] = new { Destinations = new Dictionary<string, object> { ["d1"] = new { Address = upstream.ToString() } } },
            },
        },
    });

    private sealed class BodyStack : IAsyncDisposable
    {
        private BodyStack(UpstreamServer upstream, GatewayProcess gateway, string key)
        {
            Upstream = upstream;
            Gateway = gateway;
            Key = key;
        }

        public UpstreamServer Upstream { get; }

        public GatewayProcess Gateway { get; }

        public string Key { get; }

        public static async Task<BodyStack> StartAsync()
        {
            var upstream = new UpstreamServer();
            try
            {
                await upstream.StartAsync(Ct);
                var gateway = await GatewayProcess.StartAsync(Routes(upstream.BaseAddress, UploadsLimit), new Dictionary<string, string>
                {
                    ["Gateway__MaxRequestBodySize"] = GlobalLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Logging__LogLevel__ApiGateway"] = "Debug",
                }, Ct);
                var key = await gateway.Keys.MintAsync(["files:read", "files:write"], cancellationToken: Ct);
                return new BodyStack(upstream, gateway, key.Plaintext);
            }
            catch
            {
                await upstream.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }
}
