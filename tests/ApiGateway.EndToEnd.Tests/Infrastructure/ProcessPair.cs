using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A recording upstream, a real gateway routing to it and a real admin API beside the gateway on the same database.
/// By default the gateway has one route, <c>/v1/contacts</c> needing contacts:read, and limits high enough that bursts
/// are never rate limited unless a test says otherwise.
/// </summary>
public sealed class ProcessPair : IAsyncDisposable
{
    public static readonly IReadOnlyDictionary<string, string> HighLimits = new Dictionary<string, string>
    {
        ["RateLimits__Tiers__free__Limit"] = "1000000",
        ["RateLimits__Tiers__free__Daily"] = "100000000",
    };

    /// <summary>No settings: the gateway's own defaults (the free tier's real limits), for tests that rely on them.</summary>
    public static readonly IReadOnlyDictionary<string, string> GatewayDefaults = new Dictionary<string, string>();

    /// <summary>The default routes file: route <c>contacts</c>, <c>/v1/contacts</c> needing contacts:read, to the upstream.</summary>
    public static string ContactsRoute(Uri upstream) => RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", upstream);

    private ProcessPair(UpstreamServer upstream, GatewayProcess gateway, AdminApiProcess admin)
    {
        Upstream = upstream;
        Gateway = gateway;
        Admin = admin;
    }

    public UpstreamServer Upstream { get; }

    public GatewayProcess Gateway { get; }

    public AdminApiProcess Admin { get; }

    /// <summary>The default route; <paramref name="gatewaySettings"/> or, when null, <see cref="HighLimits"/>.</summary>
    public static Task<ProcessPair> StartAsync(IReadOnlyDictionary<string, string>? gatewaySettings, CancellationToken cancellationToken) =>
        StartAsync(ContactsRoute, gatewaySettings ?? HighLimits, cancellationToken);

    /// <summary>
    /// The gateway gets the routes file <paramref name="routes"/> builds from the upstream's address, and exactly
    /// <paramref name="gatewaySettings"/> (<see cref="GatewayDefaults"/> for none).
    /// </summary>
    public static async Task<ProcessPair> StartAsync(Func<Uri, string> routes, IReadOnlyDictionary<string, string> gatewaySettings,
        CancellationToken cancellationToken)
    {
        var upstream = new UpstreamServer();
        GatewayProcess? gateway = null;
        try
        {
            await upstream.StartAsync(cancellationToken);
            gateway = await GatewayProcess.StartAsync(routes(upstream.BaseAddress), gatewaySettings, cancellationToken);
            var admin = await AdminApiProcess.StartBesideAsync(gateway, cancellationToken);
            return new ProcessPair(upstream, gateway, admin);
        }
        catch
        {
            // An IAsyncLifetime's DisposeAsync does not run when InitializeAsync throws: never leave a process behind.
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Mints through the admin API; returns (id, plaintext).</summary>
    public static async Task<(string Id, string Key)> MintAsync(HttpClient admin, object body, CancellationToken cancellationToken)
    {
        using var created = await admin.PostAsJsonAsync(new Uri("/v1/keys", UriKind.Relative), body, cancellationToken);
        var text = await created.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {text}");
        using var record = JsonDocument.Parse(text);
        return (record.RootElement.GetProperty("id").GetString()!, record.RootElement.GetProperty("key").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        await Admin.DisposeAsync();
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
