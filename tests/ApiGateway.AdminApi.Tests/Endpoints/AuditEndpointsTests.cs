using System.Net;
using System.Text.Json;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Endpoints;

public sealed class AuditEndpointsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _owner = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Audit_KeyLifecycle_RecordsEachActionWithActor()
    {
        using var adminResponse = await _owner.PostAsync("/v1/admin-keys", KeyRequests.Json(new { name = "auditor" }), Ct);
        var admin = await ApiAssert.JsonAsync(adminResponse, HttpStatusCode.Created);
        using var asAdmin = factory.CreateClient(admin.Str("key"));

        var key = await asAdmin.MintAsync();
        var id = key.Str("id");
        (await asAdmin.PatchJsonAsync($"/v1/keys/{id}", """{ "name": "renamed" }""")).EnsureSuccessStatusCode().Dispose();
        using var rotateResponse = await asAdmin.PostAsync($"/v1/keys/{id}/rotate", KeyRequests.Json(new { gracePeriodSeconds = 60 }), Ct);
        var successor = await ApiAssert.JsonAsync(rotateResponse, HttpStatusCode.Created);
        (await asAdmin.DeleteAsync($"/v1/keys/{successor.Str("id")}", Ct)).EnsureSuccessStatusCode().Dispose();

        var events = (await _owner.GetJsonAsync($"/v1/audit?keyId={id}")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["key.rotated", "key.updated", "key.created"], events.Select(e => e.Str("action")));
        foreach (var e in events)
        {
            Assert.Equal(["action", "actor", "at", "details", "id", "keyId", "keyName"], e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(admin.Str("id"), e.GetProperty("actor").Str("id"));
            Assert.Equal("auditor", e.GetProperty("actor").Str("name"));
            Assert.Equal(JsonValueKind.Object, e.GetProperty("details").ValueKind);
            Assert.EndsWith("Z", e.Str("at"), StringComparison.Ordinal);
        }
        Assert.Equal("renamed", events[0].Str("keyName"));
        Assert.Equal(successor.Str("id"), events[0].GetProperty("details").Str("rotatedTo"));
        Assert.Equal("name", events[1].GetProperty("details").GetProperty("fields")[0].GetString());

        var successorEvents = (await _owner.GetJsonAsync($"/v1/audit?keyId={successor.Str("id")}")).GetProperty("items").EnumerateArray();
        Assert.Equal(["key.revoked", "key.created"], successorEvents.Select(e => e.Str("action")));

        var adminCreated = (await _owner.GetJsonAsync("/v1/audit?action=admin.created")).GetProperty("items").EnumerateArray().First();
        Assert.Equal("auditor", adminCreated.GetProperty("details").Str("adminName"));
        Assert.Equal("bootstrap", adminCreated.GetProperty("actor").Str("name"));
    }

    [Fact]
    public async Task Audit_Paging_NewestFirstWithTotal()
    {
        for (var i = 0; i < 3; i++)
        {
            await _owner.MintAsync();
        }

        var first = await _owner.GetJsonAsync("/v1/audit?action=key.created&limit=2");
        var second = await _owner.GetJsonAsync("/v1/audit?action=key.created&limit=2&offset=2");

        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.True(first.GetProperty("total").GetInt32() >= 3);
        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(e => e.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(ids.OrderDescending(), ids);
    }

    [Fact]
    public async Task Audit_BadLimit_Returns400()
    {
        using var response = await _owner.GetAsync("/v1/audit?limit=1000", Ct);
        await ApiAssert.ValidationErrorAsync(response, "limit");
    }
}
