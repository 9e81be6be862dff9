using System.Net;
using ApiGateway.Gateway.Shadow;
using ApiGateway.Keys.Format;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Shadow;

/// <summary>
/// The candidate routes file decides every authenticated request with the live decision's code; only differences are
/// counted, by live route id, and the live answer never changes (docs/gateway.md "Shadow routes").
/// </summary>
public sealed class ShadowDecisionTests(ShadowRoutesFixture fixture) : IClassFixture<ShadowRoutesFixture>
{
    private const string ContactsExport = """
        "contacts-export": { "ClusterId": "main", "Match": { "Path": "/v1/contacts/export/{**rest}" }, "Metadata": { "Scopes": "contacts:export" } },
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A candidate: the live routes with one piece of text replaced.</summary>
    private string Candidate(string from, string to)
    {
        var live = fixture.LiveRoutes;
        Assert.Contains(from, live, StringComparison.Ordinal);
        return live.Replace(from, to, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, Dictionary<string, double> Delta)> SendAsync(
        string candidate, string[] scopes, KeyMode mode, string method, string path)
    {
        await fixture.ReplaceAsync(candidate);
        Assert.Equal(ShadowRoutesState.LoadedStatus, fixture.Shadow.State!.Status);
        var key = await fixture.Gateway.MintAsync(scopes, mode);
        var before = await fixture.DecisionsAsync();
        using var client = fixture.Gateway.CreateKeyClient(key.Plaintext);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        var after = await fixture.DecisionsAsync();
        var delta = after.Where(p => p.Value != before.GetValueOrDefault(p.Key)).ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key));
        return (response.StatusCode, delta);
    }

    public static TheoryData<string, string, string[], KeyMode, string, string, HttpStatusCode, string?> Outcomes => new()
    {
        // candidate change (from → to) | key scopes, mode | request | live status | counted "route|outcome" (null: none)
        { "\"Resource\": \"contacts\"", "\"Scopes\": \"contacts:admin\"", ["contacts:read"], KeyMode.Live, "GET", "/v1/contacts/1", HttpStatusCode.OK, "contacts|would_refuse" },
        { "\"Resource\": \"contacts\"", "\"Scopes\": \"contacts:admin\"", ["contacts:admin"], KeyMode.Live, "GET", "/v1/contacts/1", HttpStatusCode.Forbidden, "contacts|would_allow" },
        { "\"Resource\": \"contacts\"", "\"Scopes\": \"contacts:admin\"", ["contacts:write"], KeyMode.Live, "GET", "/v1/contacts/1", HttpStatusCode.Forbidden, null },
        { "\"Resource\": \"contacts\"", "\"Scopes\": \"contacts:admin\"", ["*"], KeyMode.Live, "GET", "/v1/contacts/1", HttpStatusCode.OK, null },
        // Write never implies read, in the candidate as live.
        { "\"Resource\": \"contacts\"", "\"Scopes.GET\": \"contacts:write\", \"Scopes.POST\": \"contacts:write\"", ["contacts:write"], KeyMode.Live, "GET", "/v1/contacts/1", HttpStatusCode.Forbidden, "contacts|would_allow" },
        { "\"Resource\": \"contacts\"", "\"Resource\": \"contacts\"", ["contacts:read"], KeyMode.Live, "GET", "/v1/contacts/1", HttpStatusCode.OK, null },
        // LiveOnly: removed, added.
        { "\"Resource\": \"payments\", \"LiveOnly\": \"true\"", "\"Resource\": \"payments\"", ["payments:read"], KeyMode.Test, "GET", "/v1/payments/1", HttpStatusCode.Forbidden, "payments|would_allow" },
        { "\"Resource\": \"orders\",", "\"Resource\": \"orders\", \"LiveOnly\": \"true\",", ["orders:read"], KeyMode.Test, "GET", "/v1/orders/1", HttpStatusCode.OK, "orders|would_refuse" },
        { "\"Resource\": \"orders\",", "\"Resource\": \"orders\", \"LiveOnly\": \"true\",", ["orders:read"], KeyMode.Live, "GET", "/v1/orders/1", HttpStatusCode.OK, null },
        // Public in the candidate: no key needed there, so every key would pass.
        { "\"Scopes.GET\": \"reports:read\"", "\"Public\": \"true\"", ["contacts:read"], KeyMode.Live, "GET", "/v1/reports/1", HttpStatusCode.Forbidden, "reports|would_allow" },
        // A method the route maps to no scope: refused live, mapped in the candidate; and the other way round.
        { "\"Scopes.GET\": \"reports:read\"", "\"Scopes.GET\": \"reports:read\", \"Scopes.POST\": \"reports:write\"", ["reports:write"], KeyMode.Live, "POST", "/v1/reports/1", HttpStatusCode.Forbidden, "reports|would_allow" },
        { "\"Scopes\": \"invoices:read\", \"Scopes.POST\": \"invoices:write\", ", "\"Scopes.GET\": \"invoices:read\", \"Scopes.POST\": \"invoices:write\", ", ["*"], KeyMode.Live, "PUT", "/v1/invoices/1", HttpStatusCode.OK, "invoices|would_refuse" },
        // All listed scopes are required.
        { "\"Scopes\": \"ledger:read, audit:read\"", "\"Scopes\": \"ledger:read\"", ["ledger:read"], KeyMode.Live, "GET", "/v1/ledger/1", HttpStatusCode.Forbidden, "ledger|would_allow" },
        // Routed differently: the request is matched in the candidate. A route removed refuses; a more specific new route decides.
        { "\"contacts\": { \"ClusterId\": \"main\", \"Match\": { \"Path\": \"/v1/contacts/{**rest}\" }, \"Metadata\": { \"Resource\": \"contacts\" } },", "", ["contacts:read"], KeyMode.Live, "GET", "/v1/contacts/1", HttpStatusCode.OK, "contacts|would_refuse" },
        { "\"contacts\": {", ContactsExport + "\"contacts\": {", ["contacts:read"], KeyMode.Live, "GET", "/v1/contacts/export/1", HttpStatusCode.OK, "contacts|would_refuse" },
        { "\"contacts\": {", ContactsExport + "\"contacts\": {", ["contacts:read"], KeyMode.Live, "GET", "/v1/contacts/1", HttpStatusCode.OK, null },
        { "\"contacts\": {", ContactsExport + "\"contacts\": {", ["contacts:export"], KeyMode.Live, "GET", "/v1/contacts/export/1", HttpStatusCode.Forbidden, "contacts|would_allow" },
        { "\"Path\": \"/v1/contacts/{**rest}\" }", "\"Path\": \"/v1/contacts/{**rest}\", \"Methods\": [ \"GET\" ] }", ["contacts:write"], KeyMode.Live, "POST", "/v1/contacts/1", HttpStatusCode.OK, "contacts|would_refuse" },
        { "\"Path\": \"/v1/contacts/{**rest}\" }", "\"Path\": \"/v1/contacts/{id:int}\" }", ["contacts:read"], KeyMode.Live, "GET", "/v1/contacts/abc", HttpStatusCode.OK, "contacts|would_refuse" },
        { "\"Path\": \"/v1/contacts/{**rest}\" }", "\"Path\": \"/v1/contacts/{id:int}\" }", ["contacts:read"], KeyMode.Live, "GET", "/v1/contacts/12", HttpStatusCode.OK, null },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task Request_UnderCandidate_CountsOnlyDifferencesAndKeepsLiveAnswer(
        string from, string to, string[] scopes, KeyMode mode, string method, string path, HttpStatusCode live, string? counted)
    {
        var (status, delta) = await SendAsync(Candidate(from, to), scopes, mode, method, path);

        Assert.Equal(live, status);
        if (counted is null)
        {
            Assert.Empty(delta);
        }
        else
        {
            Assert.Equal(new Dictionary<string, double> { [counted] = 1 }, delta);
        }
    }

    [Fact]
    public async Task Request_NotAuthenticated_NotCounted()
    {
        await fixture.ReplaceAsync(Candidate("\"Resource\": \"contacts\"", "\"Public\": \"true\""));
        var denied = await fixture.Gateway.MintAsync(["contacts:read"], allowedIps: ["192.0.2.1/32"]);
        var before = await fixture.DecisionsAsync();

        using (var anonymous = fixture.Gateway.CreateKeyClient(null))
        using (var response = await anonymous.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var unknown = fixture.Gateway.CreateKeyClient(fixture.Gateway.Services.GetRequiredService<KeyFormat>().Mint(KeyMode.Live)))
        using (var response = await unknown.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(before, await fixture.DecisionsAsync());

        // A key refused live for its IP allow-list: a public route takes no key, so the candidate would let it through.
        using (var client = fixture.Gateway.CreateKeyClient(denied.Plaintext))
        using (var response = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.Equal(before.GetValueOrDefault("contacts|would_allow") + 1, (await fixture.DecisionsAsync())["contacts|would_allow"]);
    }

    [Fact]
    public async Task Request_RefusedForIpUnderBothFiles_NotCounted()
    {
        await fixture.ReplaceAsync(Candidate("\"Resource\": \"contacts\"", "\"Scopes\": \"contacts:read, contacts:admin\""));
        var denied = await fixture.Gateway.MintAsync(["contacts:read", "contacts:admin"], allowedIps: ["192.0.2.1/32"]);
        var before = await fixture.DecisionsAsync();

        using (var client = fixture.Gateway.CreateKeyClient(denied.Plaintext))
        using (var response = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(before, await fixture.DecisionsAsync());
    }
}
