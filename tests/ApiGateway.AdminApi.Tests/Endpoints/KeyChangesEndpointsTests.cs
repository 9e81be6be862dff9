using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Endpoints;

public sealed class KeyChangesEndpointsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _client = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Patch_Fields_ChangesThemAndLeavesTheRest()
    {
        var body = KeyRequests.Valid("patcher");
        body["tier"] = "free";
        body["rateLimit"] = new JsonObject { ["limit"] = 5, ["periodSeconds"] = 1 };
        var created = await _client.MintAsync(body);
        var until = factory.Clock.GetUtcNow().AddDays(3);

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", $$"""
            { "name": "renamed", "scopes": ["invoices:read", "*:read"], "quota": { "monthly": 5000 },
              "allowedIps": ["203.0.113.0/24"], "expiresAt": "{{until:O}}" }
            """);

        var updated = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("renamed", updated.Str("name"));
        Assert.Equal(["invoices:read", "*:read"], updated.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(5000, updated.GetProperty("quota").GetProperty("monthly").GetInt64());
        Assert.Equal("203.0.113.0/24", updated.GetProperty("allowedIps")[0].GetString());
        Assert.Equal(until, updated.Time("expiresAt"));
        Assert.Equal("free", updated.Str("tier"));
        Assert.Equal(5, updated.GetProperty("rateLimit").GetProperty("limit").GetInt32());
        Assert.Equal("patcher", updated.Str("owner"));
        Assert.False(updated.TryGetProperty("key", out _));
    }

    [Fact]
    public async Task Patch_Nulls_ClearTierRateLimitQuotaExpiryAndIps()
    {
        var body = KeyRequests.Valid();
        body["tier"] = "pro";
        body["rateLimit"] = new JsonObject { ["limit"] = 5, ["periodSeconds"] = 1 };
        body["quota"] = new JsonObject { ["daily"] = 5 };
        body["expiresInDays"] = 5;
        body["allowedIps"] = new JsonArray("10.0.0.1");
        var created = await _client.MintAsync(body);

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}",
            """{ "tier": null, "rateLimit": null, "quota": null, "expiresAt": null, "allowedIps": null }""");

        var updated = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        foreach (var field in new[] { "tier", "rateLimit", "quota", "expiresAt" })
        {
            Assert.Equal(JsonValueKind.Null, updated.GetProperty(field).ValueKind);
        }
        Assert.Equal(0, updated.GetProperty("allowedIps").GetArrayLength());
    }

    [Theory]
    [InlineData("""{ "workspaceId": "other" }""", "workspaceId")]
    [InlineData("""{ "owner": "mallory" }""", "owner")]
    [InlineData("""{ "mode": "test" }""", "mode")]
    [InlineData("""{ "name": null }""", "name")]
    [InlineData("""{ "scopes": [] }""", "scopes")]
    [InlineData("""{ "scopes": null }""", "scopes")]
    [InlineData("""{ "scopes": ["contacts:*"] }""", "scopes")]
    [InlineData("""{ "tier": "gold" }""", "tier")]
    [InlineData("""{ "expiresAt": "2020-01-01T00:00:00Z" }""", "expiresAt")]
    [InlineData("""{ "expiresAt": "9999-12-31T23:59:59.999Z" }""", "expiresAt")]
    [InlineData("""{ "rateLimit": { "limit": 0, "periodSeconds": 1 } }""", "rateLimit.limit")]
    [InlineData("""{ "quota": { "daily": 0 } }""", "quota.daily")]
    [InlineData("""{ "allowedIps": ["nope"] }""", "allowedIps")]
    public async Task Patch_Invalid_Returns400AndChangesNothing(string patch, string field)
    {
        var created = await _client.MintAsync();

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", patch);

        await ApiAssert.ValidationErrorAsync(response, field);
        var after = await _client.GetJsonAsync($"/v1/keys/{created.Str("id")}");
        created.GetProperty("name").GetString();
        Assert.Equal(created.Str("name"), after.Str("name"));
        Assert.Equal(created.GetProperty("scopes").ToString(), after.GetProperty("scopes").ToString());
    }

    [Fact]
    public async Task Patch_ExpiryOfRotatedOutKeyInGrace_Returns409NamingExpiresAtAndKeepsTheGraceEnd()
    {
        var old = await _client.MintAsync();
        using (var rotate = await _client.PostAsync($"/v1/keys/{old.Str("id")}/rotate", KeyRequests.Json(new { gracePeriodSeconds = 3600 }), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, rotate.StatusCode);
        }
        var graceEnd = (await _client.GetJsonAsync($"/v1/keys/{old.Str("id")}")).Time("expiresAt");

        using var cleared = await _client.PatchJsonAsync($"/v1/keys/{old.Str("id")}", """{ "expiresAt": null }""");
        using var renamed = await _client.PatchJsonAsync($"/v1/keys/{old.Str("id")}", """{ "name": "retiring" }""");

        var problem = await ApiAssert.ProblemAsync(cleared, HttpStatusCode.Conflict, "Key expiry cannot change");
        Assert.Equal("expiresAt", problem.Str("field"));
        Assert.Contains("expiresAt", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var after = await _client.GetJsonAsync($"/v1/keys/{old.Str("id")}");
        Assert.Equal(graceEnd, after.Time("expiresAt"));
        Assert.Equal("retiring", after.Str("name"));
    }

    [Fact]
    public async Task Patch_Expiry_AuditsBeforeAndAfter()
    {
        var body = KeyRequests.Valid();
        body["expiresInDays"] = 5;
        var created = await _client.MintAsync(body);

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", """{ "expiresAt": null, "tier": "pro" }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = await _client.GetJsonAsync($"/v1/audit?keyId={created.Str("id")}&action=key.updated");
        var details = audit.GetProperty("items")[0].GetProperty("details");
        Assert.Equal(created.Str("expiresAt"), details.Str("expiresAtBefore"));
        Assert.Equal(JsonValueKind.Null, details.GetProperty("expiresAtAfter").ValueKind);
        Assert.Equal(JsonValueKind.Null, details.GetProperty("tierBefore").ValueKind);
        Assert.Equal("pro", details.Str("tierAfter"));
    }

    [Fact]
    public async Task Patch_RevokedKey_Returns409()
    {
        var created = await _client.MintAsync();
        (await _client.DeleteAsync($"/v1/keys/{created.Str("id")}", Ct)).Dispose();

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", """{ "name": "zombie" }""");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Key cannot be changed");
    }

    [Fact]
    public async Task Patch_ExpiredKey_Returns409()
    {
        var body = KeyRequests.Valid();
        body["expiresAt"] = factory.Clock.GetUtcNow().AddSeconds(10).ToString("O");
        var created = await _client.MintAsync(body);
        factory.Clock.Advance(TimeSpan.FromSeconds(11));

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", """{ "expiresAt": null }""");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Key cannot be changed");
    }

    [Fact]
    public async Task Patch_EmptyBody_ReturnsRecordWithoutAuditEvent()
    {
        var created = await _client.MintAsync();

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", "{}");

        await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        var audit = await _client.GetJsonAsync($"/v1/audit?keyId={created.Str("id")}&action=key.updated");
        Assert.Equal(0, audit.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Patch_EnabledFalseThenTrue_DisablesAndReEnablesWithTheirAuditEvents()
    {
        var created = await _client.MintAsync(KeyRequests.Valid("pauser"));
        var id = created.Str("id");

        using var disable = await _client.PatchJsonAsync($"/v1/keys/{id}", """{ "enabled": false }""");
        var disabled = await ApiAssert.JsonAsync(disable, HttpStatusCode.OK);
        var listed = await _client.GetJsonAsync("/v1/keys?owner=pauser&status=disabled");
        var activeListed = await _client.GetJsonAsync("/v1/keys?owner=pauser&status=active");
        using var enable = await _client.PatchJsonAsync($"/v1/keys/{id}", """{ "enabled": true }""");
        var enabled = await ApiAssert.JsonAsync(enable, HttpStatusCode.OK);

        Assert.Equal(("disabled", false), (disabled.Str("status"), disabled.GetProperty("enabled").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, disabled.GetProperty("revokedAt").ValueKind);
        Assert.Equal([id], listed.GetProperty("items").EnumerateArray().Select(k => k.Str("id")));
        Assert.Equal(0, activeListed.GetProperty("total").GetInt32());
        Assert.Equal(("active", true), (enabled.Str("status"), enabled.GetProperty("enabled").GetBoolean()));
        var audit = await _client.GetJsonAsync($"/v1/audit?keyId={id}");
        Assert.Equal(["key.enabled", "key.disabled", "key.created"], audit.GetProperty("items").EnumerateArray().Select(e => e.Str("action")));
    }

    [Fact]
    public async Task Patch_DisabledKey_OtherFieldsChangeAndBothEventsAreWritten()
    {
        var created = await _client.MintAsync();
        var id = created.Str("id");

        using var both = await _client.PatchJsonAsync($"/v1/keys/{id}", """{ "enabled": false, "name": "paused" }""");
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        using var renamed = await _client.PatchJsonAsync($"/v1/keys/{id}", """{ "name": "paused, renamed", "scopes": ["invoices:read"] }""");

        var record = await ApiAssert.JsonAsync(renamed, HttpStatusCode.OK);
        Assert.Equal(("paused, renamed", "disabled"), (record.Str("name"), record.Str("status")));
        var audit = await _client.GetJsonAsync($"/v1/audit?keyId={id}");
        Assert.Equal(["key.updated", "key.disabled", "key.updated", "key.created"], audit.GetProperty("items").EnumerateArray().Select(e => e.Str("action")));
        // The key.updated of the first PATCH names only the field it changed, not enabled.
        Assert.Equal(["name"], audit.GetProperty("items")[2].GetProperty("details").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Patch_NothingChanges_ReturnsRecordAndWritesNoAuditEvent()
    {
        var body = KeyRequests.Valid();
        body["tier"] = "pro";
        var created = await _client.MintAsync(body);
        var id = created.Str("id");
        var scopes = created.GetProperty("scopes").ToString();

        using var same = await _client.PatchJsonAsync($"/v1/keys/{id}", $$"""{ "name": "{{created.Str("name")}}", "scopes": {{scopes}}, "tier": "pro", "enabled": true, "expiresAt": null, "allowedIps": [] }""");
        await ApiAssert.JsonAsync(same, HttpStatusCode.OK);
        using (var disable = await _client.PatchJsonAsync($"/v1/keys/{id}", """{ "enabled": false }"""))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }
        using var again = await _client.PatchJsonAsync($"/v1/keys/{id}", """{ "enabled": false }""");

        Assert.Equal("disabled", (await ApiAssert.JsonAsync(again, HttpStatusCode.OK)).Str("status"));
        var audit = await _client.GetJsonAsync($"/v1/audit?keyId={id}");
        Assert.Equal(["key.disabled", "key.created"], audit.GetProperty("items").EnumerateArray().Select(e => e.Str("action")));
    }

    [Theory]
    [InlineData("""{ "enabled": null }""")]
    [InlineData("""{ "enabled": "false" }""")]
    [InlineData("""{ "enabled": 0 }""")]
    public async Task Patch_EnabledNotABoolean_Returns400NamingEnabled(string patch)
    {
        var created = await _client.MintAsync();

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", patch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("enabled", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("active", (await _client.GetJsonAsync($"/v1/keys/{created.Str("id")}")).Str("status"));
    }

    [Fact]
    public async Task Patch_EnableRevokedOrExpiredKey_Returns409AndNeverRevivesIt()
    {
        var revoked = await _client.MintAsync();
        using (var patch = await _client.PatchJsonAsync($"/v1/keys/{revoked.Str("id")}", """{ "enabled": false }"""))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }
        (await _client.DeleteAsync($"/v1/keys/{revoked.Str("id")}", Ct)).Dispose();

        using var response = await _client.PatchJsonAsync($"/v1/keys/{revoked.Str("id")}", """{ "enabled": true }""");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Key cannot be changed");
        Assert.Equal("revoked", (await _client.GetJsonAsync($"/v1/keys/{revoked.Str("id")}")).Str("status"));
    }

    [Fact]
    public async Task Rotate_DisabledKey_Returns409UntilReEnabled()
    {
        var created = await _client.MintAsync();
        using (var disable = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", """{ "enabled": false }"""))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        using var refused = await _client.PostAsync($"/v1/keys/{created.Str("id")}/rotate", null, Ct);

        var problem = await ApiAssert.ProblemAsync(refused, HttpStatusCode.Conflict, "Key cannot be rotated");
        Assert.Contains("disabled", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_UnknownKey_Returns404()
    {
        using var response = await _client.PatchJsonAsync($"/v1/keys/{Ids.New("key")}", """{ "name": "x" }""");
        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "Key not found");
    }

    [Fact]
    public async Task Revoke_Twice_SameRecordAndOneAuditEvent()
    {
        var created = await _client.MintAsync();
        var id = created.Str("id");

        using var first = await _client.DeleteAsync($"/v1/keys/{id}", Ct);
        var revoked = await ApiAssert.JsonAsync(first, HttpStatusCode.OK);
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        using var second = await _client.DeleteAsync($"/v1/keys/{id}", Ct);
        var again = await ApiAssert.JsonAsync(second, HttpStatusCode.OK);

        Assert.Equal("revoked", revoked.Str("status"));
        Assert.Equal(revoked.Str("revokedAt"), again.Str("revokedAt"));
        var audit = await _client.GetJsonAsync($"/v1/audit?keyId={id}&action=key.revoked");
        Assert.Equal(1, audit.GetProperty("total").GetInt32());
        var fetched = await _client.GetJsonAsync($"/v1/keys/{id}");
        Assert.Equal("revoked", fetched.Str("status"));
    }

    [Fact]
    public async Task Revoke_UnknownOrJunkId_Returns404()
    {
        using var unknown = await _client.DeleteAsync($"/v1/keys/{Ids.New("key")}", Ct);
        await ApiAssert.ProblemAsync(unknown, HttpStatusCode.NotFound);
        using var junk = await _client.DeleteAsync("/v1/keys/adm_0000000000000000000000", Ct);
        await ApiAssert.ProblemAsync(junk, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rotate_CopiesFieldsAndRevokesOldNow()
    {
        var body = KeyRequests.Valid("rotator");
        body["mode"] = "test";
        body["scopes"] = new JsonArray("contacts:read", "invoices:write");
        body["tier"] = "pro";
        body["rateLimit"] = new JsonObject { ["limit"] = 7, ["periodSeconds"] = 3 };
        body["quota"] = new JsonObject { ["daily"] = 9, ["monthly"] = 99 };
        body["allowedIps"] = new JsonArray("10.1.0.0/16");
        body["workspaces"] = new JsonArray("ws_9");
        var old = await _client.MintAsync(body);

        using var response = await _client.PostAsync($"/v1/keys/{old.Str("id")}/rotate", null, Ct);
        var successor = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);

        Assert.NotEqual(old.Str("id"), successor.Str("id"));
        Assert.NotEqual(old.Str("key"), successor.Str("key"));
        Assert.StartsWith("agw_test_", successor.Str("key"), StringComparison.Ordinal);
        foreach (var field in new[] { "name", "mode", "workspaceId", "workspaces", "owner", "scopes", "tier", "rateLimit", "quota", "allowedIps" })
        {
            Assert.Equal(old.GetProperty(field).ToString(), successor.GetProperty(field).ToString());
        }
        Assert.Equal(old.Str("id"), successor.Str("rotatedFrom"));
        var oldNow = await _client.GetJsonAsync($"/v1/keys/{old.Str("id")}");
        Assert.Equal("revoked", oldNow.Str("status"));
        Assert.Equal(successor.Str("id"), oldNow.Str("rotatedTo"));
    }

    [Fact]
    public async Task Rotate_GracePeriod_OldKeyExpiresThen()
    {
        var old = await _client.MintAsync();
        var now = factory.Clock.GetUtcNow();

        using var response = await _client.PostAsync($"/v1/keys/{old.Str("id")}/rotate", KeyRequests.Json(new { gracePeriodSeconds = 3600 }), Ct);
        await ApiAssert.JsonAsync(response, HttpStatusCode.Created);

        var during = await _client.GetJsonAsync($"/v1/keys/{old.Str("id")}");
        Assert.Equal("active", during.Str("status"));
        Assert.Equal(now.AddHours(1), during.Time("expiresAt"));
        factory.Clock.Advance(TimeSpan.FromHours(1));
        var after = await _client.GetJsonAsync($"/v1/keys/{old.Str("id")}");
        Assert.Equal("expired", after.Str("status"));
    }

    [Fact]
    public async Task Rotate_OldKeyHadLifetime_SuccessorGetsSameLength()
    {
        var body = KeyRequests.Valid();
        body["expiresInDays"] = 10;
        var old = await _client.MintAsync(body);
        factory.Clock.Advance(TimeSpan.FromDays(4));

        using var response = await _client.PostAsync($"/v1/keys/{old.Str("id")}/rotate", null, Ct);
        var successor = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);

        Assert.Equal(successor.Time("createdAt").AddDays(10), successor.Time("expiresAt"));
    }

    [Fact]
    public async Task Rotate_OldKeyExpiringAtTheEndOfTime_Returns201WithLifetimeCappedAtTenYears()
    {
        // Minted before expiresAt was bounded (or by another tool): now + (expiresAt - createdAt) would pass DateTimeOffset.MaxValue.
        var spec = new KeySpec("far future", "ws_far", ["contacts:read"], null, KeyMode.Live, DateTimeOffset.MaxValue,
            Tier: null, RateLimit: null, Quota: null, AllowedIps: [], Workspaces: []);
        var old = (await factory.Services.GetRequiredService<KeyMutationService>().CreateAsync(spec, Actor.System, Ct)).Issued!.Key;
        factory.Clock.Advance(TimeSpan.FromDays(1));

        using var response = await _client.PostAsync($"/v1/keys/{old.Id}/rotate", null, Ct);
        var successor = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);

        Assert.Equal(factory.Clock.GetUtcNow().AddDays(3650), successor.Time("expiresAt"));
    }

    [Fact]
    public async Task Rotate_WithGraceForOwnerAtCap_Returns409AndWithoutGraceSucceeds()
    {
        var owner = $"capped-{Guid.NewGuid():N}";
        var keys = new List<JsonElement>();
        for (var i = 0; i < 10; i++)
        {
            keys.Add(await _client.MintAsync(KeyRequests.Valid(owner)));
        }

        using var withGrace = await _client.PostAsync($"/v1/keys/{keys[0].Str("id")}/rotate", KeyRequests.Json(new { gracePeriodSeconds = 3600 }), Ct);
        using var withoutGrace = await _client.PostAsync($"/v1/keys/{keys[0].Str("id")}/rotate", null, Ct);

        var problem = await ApiAssert.ProblemAsync(withGrace, HttpStatusCode.Conflict, "Active key limit reached");
        Assert.Contains("gracePeriodSeconds 0", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, withoutGrace.StatusCode);
        var active = await _client.GetJsonAsync($"/v1/keys?owner={owner}&status=active");
        Assert.Equal(10, active.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Rotate_ExplicitExpiry_Wins()
    {
        var old = await _client.MintAsync();

        using var response = await _client.PostAsync($"/v1/keys/{old.Str("id")}/rotate", KeyRequests.Json(new { expiresInDays = 2 }), Ct);
        var successor = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);

        Assert.Equal(factory.Clock.GetUtcNow().AddDays(2), successor.Time("expiresAt"));
    }

    [Fact]
    public async Task Rotate_RevokedExpiredOrRotatedKey_Returns409()
    {
        var revoked = await _client.MintAsync();
        (await _client.DeleteAsync($"/v1/keys/{revoked.Str("id")}", Ct)).Dispose();
        var expiring = KeyRequests.Valid();
        expiring["expiresAt"] = factory.Clock.GetUtcNow().AddSeconds(30).ToString("O");
        var expired = await _client.MintAsync(expiring);
        var rotated = await _client.MintAsync();
        (await _client.PostAsync($"/v1/keys/{rotated.Str("id")}/rotate", KeyRequests.Json(new { gracePeriodSeconds = 86400 }), Ct)).Dispose();
        factory.Clock.Advance(TimeSpan.FromMinutes(1));

        foreach (var id in new[] { revoked.Str("id"), expired.Str("id"), rotated.Str("id") })
        {
            using var response = await _client.PostAsync($"/v1/keys/{id}/rotate", null, Ct);
            await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Key cannot be rotated");
        }
    }

    [Theory]
    [InlineData("""{ "gracePeriodSeconds": -1 }""", "gracePeriodSeconds")]
    [InlineData("""{ "gracePeriodSeconds": 2592001 }""", "gracePeriodSeconds")]
    [InlineData("""{ "expiresInDays": 0 }""", "expiresInDays")]
    [InlineData("""{ "expiresAt": "2020-01-01T00:00:00Z" }""", "expiresAt")]
    [InlineData("""{ "expiresAt": "9999-12-31T23:59:59.999Z" }""", "expiresAt")]
    [InlineData("""{ "expiresAt": "2030-01-01T00:00:00Z", "expiresInDays": 3 }""", "expiresInDays")]
    [InlineData("""{ "grace": 5 }""", "grace")]
    public async Task Rotate_InvalidBody_Returns400AndKeepsOldKey(string json, string field)
    {
        var old = await _client.MintAsync();

        using var response = await _client.PostRawAsync($"/v1/keys/{old.Str("id")}/rotate", json);

        await ApiAssert.ValidationErrorAsync(response, field);
        var after = await _client.GetJsonAsync($"/v1/keys/{old.Str("id")}");
        Assert.Equal("active", after.Str("status"));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("rotatedTo").ValueKind);
    }

    [Fact]
    public async Task Rotate_UnknownKey_Returns404()
    {
        using var response = await _client.PostAsync($"/v1/keys/{Ids.New("key")}/rotate", null, Ct);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "Key not found");
    }
}
