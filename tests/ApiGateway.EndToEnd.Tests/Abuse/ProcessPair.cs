using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>
/// A recording upstream, a real gateway (route <c>/v1/contacts</c> needing contacts:read, limits high enough that
/// bursts are never rate limited unless a test says otherwise) and a real admin API on the same database.
/// </summary>
public sealed class ProcessPair : IAsyncDisposable
{
    public static readonly IReadOnlyDictionary<string, string> HighLimits = new Dictionary<string, string>
    {
        ["RateLimits__Tiers__free__Limit"] = "1000000",
        ["RateLimits__Tiers__free__Daily"] = "100000000",
    };

    private ProcessPair(UpstreamServer upstream, GatewayProcess gateway, AdminApiProcess admin)
    {
        Upstream = upstream;
        Gateway = gateway;
        Admin = admin;
    }

    public UpstreamServer Upstream { get; }

    public GatewayProcess Gateway { get; }

    public AdminApiProcess Admin { get; }

    public static async Task<ProcessPair> StartAsync(IReadOnlyDictionary<string, string>? gatewaySettings, CancellationToken cancellationToken)
    {
        var upstream = new UpstreamServer();
        GatewayProcess? gateway = null;
        try
        {
            await upstream.StartAsync(cancellationToken);
            gateway = await GatewayProcess.StartAsync(RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", upstream.BaseAddress),
                gatewaySettings ?? HighLimits, cancellationToken);
            var admin = await AdminApiProcess.StartBesideAsync(gateway, cancellationToken);
            return new ProcessPair(upstream, gateway, admin);
        }
        catch
        {
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

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialFaults
{
    /// <summary>Timing-sensitive fault cases run alone, not beside other process-heavy tests on a loaded machine.</summary>
    public const string Name = "Serial faults";
}
