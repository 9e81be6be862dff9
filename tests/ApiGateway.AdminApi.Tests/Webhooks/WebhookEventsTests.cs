using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.AdminApi.Webhooks;
using ApiGateway.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Webhooks;

/// <summary>Each key change's events, written by the mutation's own transaction, and the scanned <c>key.expiring</c>.</summary>
public sealed class WebhookEventsTests : IAsyncLifetime
{
    private readonly AdminApiFactory _factory = new AdminApiFactory().With("Webhooks:AllowPrivateNetworks", "true").WithoutWebhookWorkers();
    private readonly WebhookReceiver _receiver = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _receiver.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private async Task RegisterAsync(HttpClient client, params string[] events)
    {
        using var response = await client.PostJsonAsync("/v1/webhooks", new JsonObject
        {
            ["url"] = _receiver.Url().ToString(),
            ["events"] = new JsonArray([.. events.Select(e => JsonValue.Create(e))]),
        });
        await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    /// <summary>Runs dispatcher passes until nothing is due; returns every body received so far, parsed.</summary>
    private async Task<JsonElement[]> DeliverAllAsync()
    {
        var dispatcher = ActivatorUtilities.CreateInstance<WebhookDispatcher>(_factory.Services);
        while (await dispatcher.RunOnceAsync(Ct) > 0)
        {
        }
        return [.. _receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.Clone())];
    }

    [Fact]
    public async Task KeyLifecycle_EachChangeSendsItsEventWithTheRecordInOrder()
    {
        using var client = _factory.CreateOwnerClient();
        await RegisterAsync(client, "*");

        var key = await client.MintAsync();
        var id = key.Str("id");
        using var patched = await client.PatchJsonAsync($"/v1/keys/{id}", "{\"name\":\"renamed\"}");
        using var rotated = await client.PostJsonAsync($"/v1/keys/{id}/rotate", new JsonObject { ["gracePeriodSeconds"] = 0 });
        var successor = (await ApiAssert.JsonAsync(rotated, HttpStatusCode.Created)).Str("id");
        using var leaked = await client.PostJsonAsync("/v1/leaks", new JsonObject { ["keys"] = new JsonArray((await client.MintAsync()).Str("key")) });
        using var revoked = await client.DeleteAsync($"/v1/keys/{successor}", Ct);
        using var revokedAgain = await client.DeleteAsync($"/v1/keys/{successor}", Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, leaked.StatusCode);

        var bodies = await DeliverAllAsync();

        var ofFirst = bodies.Where(b => b.GetProperty("data").Str("id") == id).Select(b => b.Str("type"));
        var ofSuccessor = bodies.Where(b => b.GetProperty("data").Str("id") == successor).Select(b => b.Str("type"));
        Assert.Equal(["key.created", "key.updated", "key.rotated"], ofFirst);
        Assert.Equal(["key.created", "key.revoked"], ofSuccessor);   // the second DELETE changed nothing: no event
        Assert.Contains(bodies, b => b.Str("type") == "key.leaked" && b.GetProperty("data").Str("status") == "revoked");
        var rotatedBody = bodies.Single(b => b.Str("type") == "key.rotated");
        Assert.Equal(successor, rotatedBody.GetProperty("data").Str("rotatedTo"));
        Assert.Equal("renamed", rotatedBody.GetProperty("data").Str("name"));
        Assert.All(bodies, b => Assert.False(b.GetProperty("data").TryGetProperty("key", out _)));
        Assert.DoesNotContain(key.Str("key"), string.Join("", _receiver.Received.Select(r => r.Body)), StringComparison.Ordinal);
        Assert.All(bodies, b => Assert.EndsWith("Z", b.Str("timestamp"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscription_OnlyTheListedTypesArrive()
    {
        using var client = _factory.CreateOwnerClient();
        await RegisterAsync(client, "key.revoked");
        var key = await client.MintAsync();
        using var revoked = await client.DeleteAsync($"/v1/keys/{key.Str("id")}", Ct);

        var bodies = await DeliverAllAsync();

        Assert.Equal(["key.revoked"], bodies.Select(b => b.Str("type")));
    }

    /// <summary>
    /// The outbox row is part of the change's transaction: when it cannot be written, the key is not minted either
    /// (so a change can never commit without its event).
    /// </summary>
    [Fact]
    public async Task Outbox_CannotBeWritten_TheChangeRollsBackWithIt()
    {
        using var client = _factory.CreateOwnerClient();
        await RegisterAsync(client, "*");
        await using (var connection = new SqliteConnection(_factory.Database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE webhook_events RENAME TO webhook_events_gone";
            await command.ExecuteNonQueryAsync(Ct);
        }

        using var response = await client.PostJsonAsync("/v1/keys", KeyRequests.Valid());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var keys = await client.GetJsonAsync("/v1/keys");
        Assert.Equal(0, keys.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Expiring_ScannedOncePerKey_WithinExpiringDays()
    {
        using var client = _factory.CreateOwnerClient();
        await RegisterAsync(client, "key.expiring");
        var soon = KeyRequests.Valid();
        soon["expiresInDays"] = 8;
        var soonKey = await client.MintAsync(soon);
        var later = KeyRequests.Valid();
        later["expiresInDays"] = 30;
        await client.MintAsync(later);
        await client.MintAsync();
        var scanner = ActivatorUtilities.CreateInstance<KeyEventScanner>(_factory.Services);

        Assert.Equal(0, await scanner.ScanAsync(expiring: true, Ct));            // 8 days ahead: not yet
        _factory.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await scanner.ScanAsync(expiring: true, Ct));
        Assert.Equal(0, await scanner.ScanAsync(expiring: true, Ct));            // once per key
        _factory.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(0, await scanner.ScanAsync(expiring: true, Ct));

        var body = Assert.Single(await DeliverAllAsync());
        Assert.Equal("key.expiring", body.Str("type"));
        Assert.Equal(soonKey.Str("id"), body.GetProperty("data").Str("id"));
    }
}
