using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// Two real processes on one database: a key minted through the admin API works at the gateway (with the workspace
/// injected upstream), and revoking it through the admin API (DELETE, or a leak report) is refused by the gateway within
/// the contract's 1 s; a disabled key is refused (403) within 1 s and accepted again within 1 s of being re-enabled.
/// </summary>
public sealed class RevocationTests : IAsyncLifetime
{
    private ProcessPair _pair = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _pair = await ProcessPair.StartAsync(ProcessPair.ContactsRoute, ProcessPair.GatewayDefaults, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }

    [Fact]
    public async Task Revoke_ThroughAdminApi_GatewayRefusesWithinOneSecond()
    {
        using var admin = _pair.Admin.CreateClient();
        var (id, key) = await CreateKeyAsync(admin, "e2e");

        using var client = _pair.Gateway.CreatePublicClient(key);
        await AssertAcceptedAsync(client);
        var forwarded = _pair.Upstream.Received.Last(r => r.Path == "/v1/contacts/1");
        Assert.Equal("ws_e2e", forwarded.Header("X-Workspace-Id"));
        Assert.Equal(id, forwarded.Header("X-Api-Key-Id"));
        Assert.Null(forwarded.Header("Authorization"));

        using (var revoked = await admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct))
        {
            Assert.True(revoked.IsSuccessStatusCode, $"{revoked.StatusCode}: {await revoked.Content.ReadAsStringAsync(Ct)}");
        }
        await ReachesTheGatewayWithinOneSecondAsync(client, HttpStatusCode.Unauthorized, "Revocation");
    }

    [Fact]
    public async Task DisableThenEnable_ThroughAdminApi_GatewayRefusesThenAcceptsEachWithinOneSecond()
    {
        using var admin = _pair.Admin.CreateClient();
        var (id, key) = await CreateKeyAsync(admin, "paused");
        using var client = _pair.Gateway.CreatePublicClient(key);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client));

        await PatchEnabledAsync(admin, id, enabled: false);
        await ReachesTheGatewayWithinOneSecondAsync(client, HttpStatusCode.Forbidden, "Disabling");
        using (var refused = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct))
        {
            Assert.Contains("API key is disabled", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        await PatchEnabledAsync(admin, id, enabled: true);
        await ReachesTheGatewayWithinOneSecondAsync(client, HttpStatusCode.OK, "Re-enabling");
    }

    /// <summary>Mints a <c>contacts:read</c> key in <c>ws_e2e</c> through the admin API: its id and plaintext.</summary>
    private async Task<(string Id, string Key)> CreateKeyAsync(HttpClient admin, string name)
    {
        using var created = await admin.PostAsJsonAsync(new Uri("/v1/keys", UriKind.Relative),
            new { name, workspaceId = "ws_e2e", scopes = new[] { "contacts:read" } }, Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {await created.Content.ReadAsStringAsync(Ct)} {_pair.Admin.Process.Describe()}");
        using var record = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        return (record.RootElement.GetProperty("id").GetString()!, record.RootElement.GetProperty("key").GetString()!);
    }

    /// <summary>The key works before the change under test: one request, answered 200.</summary>
    private async Task AssertAcceptedAsync(HttpClient client)
    {
        using var ok = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{ok.StatusCode}. {_pair.Gateway.Process.Describe()}");
    }

    private static async Task PatchEnabledAsync(HttpClient admin, string id, bool enabled)
    {
        using var content = JsonContent.Create(new { enabled });
        using var response = await admin.PatchAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), content, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
        return response.StatusCode;
    }

    /// <summary>
    /// Asks the gateway until it answers <paramref name="expected"/> (for at most 5 s), reports how long the change took to
    /// reach it, and fails unless that was within the contract's 1 s.
    /// </summary>
    private static async Task ReachesTheGatewayWithinOneSecondAsync(HttpClient client, HttpStatusCode expected, string change)
    {
        var since = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = await StatusAsync(client);
        }
        while (status != expected && since.Elapsed < TimeSpan.FromSeconds(5));
        var elapsed = since.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"{change} reached the gateway in {elapsed.TotalMilliseconds:F0} ms.");

        Assert.Equal(expected, status);
        Assert.True(elapsed <= TimeSpan.FromSeconds(1), $"{change} took {elapsed.TotalMilliseconds:F0} ms to reach the gateway.");
    }

    [Fact]
    public async Task LeakReport_ThroughAdminApi_GatewayRefusesWithinOneSecond()
    {
        using var admin = _pair.Admin.CreateClient();
        var (_, key) = await CreateKeyAsync(admin, "leaky");
        using var client = _pair.Gateway.CreatePublicClient(key);
        await AssertAcceptedAsync(client);

        using (var reported = await admin.PostAsJsonAsync(new Uri("/v1/leaks", UriKind.Relative), new { keys = new[] { key }, source = "e2e" }, Ct))
        {
            var body = await reported.Content.ReadAsStringAsync(Ct);
            Assert.True(reported.IsSuccessStatusCode, $"{reported.StatusCode}: {body}");
            Assert.Contains("\"revoked\"", body, StringComparison.Ordinal);
        }
        await ReachesTheGatewayWithinOneSecondAsync(client, HttpStatusCode.Unauthorized, "The leak's revocation");
    }
}
