using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.ForwardAuth;

/// <summary>
/// A real nginx, configured with the nginx block of docs/forward-auth.md verbatim (only its three addresses replaced),
/// in front of a real Kestrel upstream, asking a real gateway process on its <c>Gateway__ForwardAuthUrl</c>.
/// </summary>
public sealed class NginxForwardAuthFixture : IAsyncLifetime
{
    private const string BeginMarker = "<!-- tested nginx config: begin -->";
    private const string EndMarker = "<!-- tested nginx config: end -->";

    public UpstreamServer Upstream { get; } = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    public NginxServer Nginx { get; private set; } = null!;

    public Uri NginxAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Upstream.StartAsync(ct);
        var forwardAuthPort = FreePort.Next();
        var nginxPort = FreePort.Next();
        Gateway = await GatewayProcess.StartAsync(
            RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", Upstream.BaseAddress),
            new Dictionary<string, string>
            {
                ["Gateway__ForwardAuthUrl"] = $"http://127.0.0.1:{forwardAuthPort}",
                ["Gateway__TrustedProxies"] = "127.0.0.1/32",
            },
            ct);
        var config = TestedConfig()
            .Replace("127.0.0.1:8000", $"127.0.0.1:{nginxPort}", StringComparison.Ordinal)
            .Replace("127.0.0.1:5080", Upstream.BaseAddress.Authority, StringComparison.Ordinal)
            .Replace("127.0.0.1:9092", $"127.0.0.1:{forwardAuthPort}", StringComparison.Ordinal);
        Nginx = await NginxServer.StartAsync(config, nginxPort, ct);
        NginxAddress = new Uri($"http://127.0.0.1:{nginxPort}");
    }

    public HttpClient CreateClient(string? key)
    {
        var client = new HttpClient { BaseAddress = NginxAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        }
        return client;
    }

    public string Describe() => $"gateway: {Gateway?.Process.Describe()} nginx: {Nginx?.Process.Describe()} error.log: {Nginx?.ErrorLog}";

    /// <summary>The fenced nginx block between the markers of docs/forward-auth.md.</summary>
    internal static string TestedConfig()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApiGateway.sln")))
        {
            dir = dir.Parent;
        }
        var doc = File.ReadAllText(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), "docs", "forward-auth.md"));
        var begin = doc.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = doc.IndexOf(EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/forward-auth.md lost its tested nginx config markers");
        var block = doc[(begin + BeginMarker.Length)..end].Trim();
        const string Fence = "```nginx";
        Assert.StartsWith(Fence, block, StringComparison.Ordinal);
        Assert.EndsWith("```", block, StringComparison.Ordinal);
        return block[Fence.Length..^3];
    }

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        await Upstream.DisposeAsync();
    }
}
