using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Abuse;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;
using Microsoft.Data.Sqlite;

namespace ApiGateway.EndToEnd.Tests.Webhooks;

/// <summary>
/// Webhooks with real processes (docs/webhooks.md "Delivery"): a <c>kill -9</c> of the admin API mid-delivery loses no
/// event, two admin API processes on one database send each event once per attempt, and a gateway's quota refusal
/// becomes one <c>key.quota_exhausted</c>.
/// </summary>
[Collection(SerialFaults.Name)]
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    /// <summary>Short attempts (lease = timeout + 5 s) so a crashed attempt is taken over within seconds.</summary>
    private static readonly Dictionary<string, string> AdminSettings = new()
    {
        ["Webhooks__AllowPrivateNetworks"] = "true",
        ["Webhooks__TimeoutSeconds"] = "2",
        // The tier the gateway knows, so keys may name it.
        ["RateLimits__Tiers__quota2__Limit"] = "1000",
        ["RateLimits__Tiers__quota2__PeriodSeconds"] = "60",
        ["RateLimits__Tiers__quota2__Daily"] = "2",
    };

    private readonly WebhookReceiver _receiver = new();
    private readonly UpstreamServer _upstream = new();
    private GatewayProcess _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    public async ValueTask InitializeAsync()
    {
        await _receiver.StartAsync(Ct);
        var settings = new Dictionary<string, string>(ProcessPair.HighLimits)
        {
            ["RateLimits__Tiers__quota2__Limit"] = "1000",
            ["RateLimits__Tiers__quota2__PeriodSeconds"] = "60",
            ["RateLimits__Tiers__quota2__Daily"] = "2",
            ["RateLimits__QuotaFlushSeconds"] = "1",
        };
        await _upstream.StartAsync(Ct);
        _gateway = await GatewayProcess.StartAsync(RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", _upstream.BaseAddress), settings, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        await _upstream.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task<AdminApiProcess> StartAdminAsync() => await AdminApiProcess.StartBesideAsync(_gateway, AdminSettings, Ct);

    private async Task<string> RegisterAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync(new Uri("/v1/webhooks", UriKind.Relative),
            new { url = _receiver.Url().ToString(), events = new[] { "*" } }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>(event id, type, key id) of each arrival, in arrival order.</summary>
    private (string EventId, string Type, string KeyId)[] Arrivals() =>
        [.. _receiver.Received.Select(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            return (r.Id, body.RootElement.GetProperty("type").GetString()!, body.RootElement.GetProperty("data").GetProperty("id").GetString()!);
        })];

    /// <summary>Delivered attempts per event, from the delivery log.</summary>
    private static async Task<Dictionary<string, int>> DeliveredAsync(HttpClient admin, string webhookId)
    {
        using var response = await admin.GetAsync(new Uri($"/v1/webhooks/{webhookId}/deliveries?limit=100", UriKind.Relative), Ct);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return page.RootElement.GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("status").ValueKind == JsonValueKind.Number && a.GetProperty("status").GetInt32() / 100 == 2)
            .ToDictionary(a => a.GetProperty("eventId").GetString()!, a => a.GetProperty("attempt").GetInt32());
    }

    /// <summary>A key's events arrive in the order they happened: each arrival is never older than one before it.</summary>
    private static void AssertInOrderPerKey((string EventId, string Type, string KeyId)[] arrivals, Dictionary<string, int> orderOfEvent)
    {
        foreach (var key in arrivals.GroupBy(a => a.KeyId))
        {
            var positions = key.Select(a => orderOfEvent[a.EventId]).ToArray();
            for (var i = 1; i < positions.Length; i++)
            {
                Assert.True(positions[i] >= positions[i - 1], $"Key {key.Key}: events arrived out of order ({string.Join(",", key.Select(a => a.Type))}).");
            }
        }
    }

    [Fact]
    public async Task AdminKilledMidDelivery_EveryEventArrivesAfterRestart_InOrderPerKey_OncePerAttempt()
    {
        var admin = await StartAdminAsync();
        using var client = admin.CreateClient();
        var webhookId = await RegisterAsync(client);
        var hold = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = 0;
        // The first delivery hangs until the test is over: the admin API is killed while it is in flight.
        _receiver.Respond = (_, context) => Interlocked.Exchange(ref first, 1) == 0 ? hold.Task.WaitAsync(context.RequestAborted) : Task.FromResult(200);
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (id, _) = await ProcessPair.MintAsync(client, new { name = $"hooked {i}", workspaceId = "ws_e2e", scopes = new[] { "contacts:read" } }, Ct);
            keys.Add(id);
            using var revoked = await client.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }
        await _receiver.WaitForAsync(1, Ct);

        admin.Process.Kill();
        var beforeKill = _receiver.Received.Count;
        await using var restarted = await StartAdminAsync();
        using var restartedClient = restarted.CreateClient();
        var delivered = await Poll.UntilAsync(_ => DeliveredAsync(restartedClient, webhookId), d => d.Count >= 6, TimeSpan.FromSeconds(60), Ct);
        hold.TrySetResult(200);
        await admin.DisposeAsync();

        var arrivals = Arrivals();
        Output?.WriteLine($"{beforeKill} arrival(s) before the kill -9, {arrivals.Length} in all: {string.Join(", ", arrivals.Select(a => a.Type))}.");
        Assert.Equal(6, delivered.Count);
        Assert.Equal(keys.Order(), arrivals.Select(a => a.KeyId).Distinct().Order());
        var order = arrivals.Select(a => a.EventId).Distinct().Select((e, i) => (e, i)).ToDictionary(p => p.e, p => arrivals.First(a => a.EventId == p.e).Type == "key.created" ? 0 : 1);
        AssertInOrderPerKey(arrivals, order);
        foreach (var (eventId, attempt) in delivered)
        {
            // The attempt cut off by the kill counts: its event arrives once per attempt, never more.
            Assert.Equal(attempt, arrivals.Count(a => a.EventId == eventId));
        }
        Assert.Contains(delivered.Values, attempt => attempt == 2);
    }

    [Fact]
    public async Task TwoAdminProcessesOnOneDatabase_EachEventAttemptedOncePerAttempt()
    {
        await using var one = await StartAdminAsync();
        await using var two = await StartAdminAsync();
        using var clientOne = one.CreateClient();
        using var clientTwo = two.CreateClient();
        var webhookId = await RegisterAsync(clientOne);
        var seen = new ConcurrentDictionary<string, int>();
        // Every event fails its first attempt: each must then arrive exactly twice, whichever process sends it.
        _receiver.Respond = (received, _) => Task.FromResult(seen.AddOrUpdate(received.Id, 1, (_, n) => n + 1) == 1 ? 503 : 200);
        const int Keys = 8;
        var mints = Enumerable.Range(0, Keys).Select(async i =>
        {
            var client = i % 2 == 0 ? clientOne : clientTwo;
            var (id, _) = await ProcessPair.MintAsync(client, new { name = $"both {i}", workspaceId = "ws_e2e", scopes = new[] { "contacts:read" } }, Ct);
            using var revoked = await (i % 2 == 0 ? clientTwo : clientOne).DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct);
            return id;
        });
        try
        {
            await Task.WhenAll(mints);
        }
        catch
        {
            Output?.WriteLine(one.Process.Output);
            Output?.WriteLine(two.Process.Output);
            throw;
        }

        var delivered = await Poll.UntilAsync(_ => DeliveredAsync(clientOne, webhookId), d => d.Count >= 2 * Keys, TimeSpan.FromSeconds(60), Ct);

        var arrivals = Arrivals();
        Output?.WriteLine($"{arrivals.Length} arrivals for {delivered.Count} events over two admin API processes.");
        Assert.Equal(2 * Keys, delivered.Count);
        Assert.All(delivered.Values, attempt => Assert.Equal(2, attempt));
        Assert.All(arrivals.GroupBy(a => a.EventId), g => Assert.Equal(2, g.Count()));
        var order = arrivals.Select(a => a.EventId).Distinct().ToDictionary(e => e, e => arrivals.First(a => a.EventId == e).Type == "key.created" ? 0 : 1);
        AssertInOrderPerKey(arrivals, order);
    }

    [Fact]
    public async Task QuotaSpentAtTheGateway_OneQuotaExhaustedEventPerLineageAndDay()
    {
        await using var admin = await StartAdminAsync();
        using var client = admin.CreateClient();
        await RegisterAsync(client);
        var (id, key) = await ProcessPair.MintAsync(client, new { name = "quota", workspaceId = "ws_e2e", scopes = new[] { "contacts:read" }, tier = "quota2" }, Ct);
        using var gateway = _gateway.CreatePublicClient(key);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.GetAsync(new Uri("/v1/contacts/q", UriKind.Relative), Ct);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);

        var exhausted = await Poll.UntilAsync(_ => Task.FromResult(Arrivals().Where(a => a.Type == "key.quota_exhausted").ToArray()), a => a.Length > 0, TimeSpan.FromSeconds(30), Ct);
        // Another flush and scan later, still one.
        using (var again = await gateway.GetAsync(new Uri("/v1/contacts/q", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        }
        // The guard is the store's: one exhaustion row per lineage and day, marked emitted with its one event.
        await using var connection = new SqliteConnection(_gateway.ConnectionString + ";Pooling=False");
        await connection.OpenAsync(Ct);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT (SELECT COUNT(*) FROM quota_exhaustions WHERE emitted_at IS NOT NULL) || '/' || (SELECT COUNT(*) FROM webhook_events WHERE type = 'key.quota_exhausted')";

        Assert.Equal(id, Assert.Single(exhausted).KeyId);
        Assert.Equal("1/1", (string?)await count.ExecuteScalarAsync(Ct));
    }
}
