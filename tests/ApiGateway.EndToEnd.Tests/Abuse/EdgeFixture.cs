using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Mutations;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>
/// One real gateway process for the hostile-input cases: three key routes and a public one to one recording upstream, each route tagging
/// what it forwards with <c>X-Route</c> (so a test sees which route, and so which scope check, let a request through),
/// and a few keys minted straight into its database.
/// </summary>
public sealed class EdgeFixture : IAsyncLifetime
{
    public UpstreamServer Upstream { get; } = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>contacts:read + contacts:write, live.</summary>
    public IssuedKey Contacts { get; private set; } = null!;

    /// <summary>A test-mode key holding billing:read and contacts:read.</summary>
    public IssuedKey TestMode { get; private set; } = null!;

    /// <summary>contacts:read, allowed only from 10.0.0.0/8.</summary>
    public IssuedKey IpRestricted { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Upstream.StartAsync(ct);
        Gateway = await GatewayProcess.StartAsync(Routes(Upstream.BaseAddress), cancellationToken: ct);
        Contacts = await Gateway.Keys.MintAsync(["contacts:read", "contacts:write"], cancellationToken: ct);
        TestMode = await Gateway.Keys.MintAsync(["billing:read", "contacts:read"], mode: KeyMode.Test, cancellationToken: ct);
        IpRestricted = await Gateway.Keys.MintAsync(new KeySpec("ip", "ws_e2e", ["contacts:read"], Owner: null, KeyMode.Live, ExpiresAt: null,
            Tier: null, RateLimit: null, Quota: null, AllowedIps: ["10.0.0.0/8"], Workspaces: []), ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        await Upstream.DisposeAsync();
    }

    /// <summary>Requests the upstream received whose path contains <paramref name="marker"/>.</summary>
    public IReadOnlyList<ReceivedRequest> ReceivedWith(string marker) =>
        Upstream.Received.Where(r => (r.Path + r.Query).Contains(marker, StringComparison.OrdinalIgnoreCase)).ToList();

    private static string Routes(Uri upstream)
    {
        static object Route(string id, string path, Dictionary<string, string> metadata) => new
        {
            ClusterId = "upstream",
            Match = new { Path = path },
            Metadata = metadata,
            Transforms = new[] { new Dictionary<string, string> { ["RequestHeader"] = "X-Route", ["Set"] = id } },
        };
        return JsonSerializer.Serialize(new
        {
            ReverseProxy = new
            {
                Routes = new Dictionary<string, object>
                {
                    ["contacts"] = Route("contacts", "/v1/contacts/{**rest}", new() { ["Resource"] = "contacts" }),
                    ["admin"] = Route("admin", "/v1/admin/{**rest}", new() { ["Scopes"] = "admin:read" }),
                    ["billing"] = Route("billing", "/v1/billing/{**rest}", new() { ["Scopes"] = "billing:read", ["LiveOnly"] = "true" }),
                    ["status"] = Route("status", "/v1/status/{**rest}", new() { ["Public"] = "true" }),
                },
                Clusters = new Dictionary<string, object>
                {
                    ["upstream"] = new { Destinations = new Dictionary<string, object> { ["d1"] = new { Address = upstream.ToString() } } },
                },
            },
        });
    }
}
