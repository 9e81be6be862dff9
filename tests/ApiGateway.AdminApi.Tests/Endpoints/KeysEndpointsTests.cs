using System.Net;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Endpoints;

public sealed class KeysEndpointsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private static readonly string[] RecordFields =
    [
        "id", "name", "prefix", "mode", "workspaceId", "workspaces", "owner", "scopes", "tier", "rateLimit", "quota", "allowedIps",
        "createdAt", "createdBy", "expiresAt", "lastUsedAt", "status", "revokedAt", "rotatedFrom", "rotatedTo", "usage", "enabled", "leakedAt", "leakSource",
    ];

    private readonly HttpClient _client = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_ValidBody_Returns201WithRecordAndPlaintextOnce()
    {
        var body = KeyRequests.Valid("alice");
        body["mode"] = "test";
        body["tier"] = "pro";
        body["rateLimit"] = new JsonObject { ["limit"] = 5, ["periodSeconds"] = 2 };
        body["quota"] = new JsonObject { ["daily"] = 100 };
        body["allowedIps"] = new JsonArray("10.0.0.0/8", "192.168.1.7", "2001:db8::/32");
        body["workspaces"] = new JsonArray("ws_2", "ws.3");
        body["expiresInDays"] = 30;

        using var response = await _client.PostJsonAsync("/v1/keys", body);
        var created = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);

        Assert.Equal(RecordFields.Append("key").Order(StringComparer.Ordinal), created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var key = created.Str("key");
        Assert.True(new KeyFormat("agw").TryParse(key, out var mode));
        Assert.Equal(KeyMode.Test, mode);
        Assert.StartsWith("agw_test_", key, StringComparison.Ordinal);
        Assert.Equal(key[..16], created.Str("prefix"));
        Assert.Equal($"/v1/keys/{created.Str("id")}", response.Headers.Location?.OriginalString);
        Assert.Equal("active", created.Str("status"));
        var now = factory.Clock.GetUtcNow();
        Assert.Equal(now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), created.Str("createdAt"));
        Assert.Equal(now.AddDays(30), created.Time("expiresAt"));
        Assert.Equal(5, created.GetProperty("rateLimit").GetProperty("limit").GetInt32());
        Assert.Equal(100, created.GetProperty("quota").GetProperty("daily").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.GetProperty("quota").GetProperty("monthly").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(0, created.GetProperty("usage").GetProperty("last30d").GetInt64());
        Assert.StartsWith("adm_", created.Str("createdBy"), StringComparison.Ordinal);

        var fetched = await _client.GetJsonAsync($"/v1/keys/{created.Str("id")}");
        Assert.Equal(RecordFields.Order(StringComparer.Ordinal), fetched.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.False(fetched.TryGetProperty("key", out _));
        Assert.Equal("pro", fetched.Str("tier"));
    }

    [Fact]
    public async Task Create_Defaults_LiveModeNoExpiryEmptyLists()
    {
        var created = await _client.MintAsync();

        Assert.Equal("live", created.Str("mode"));
        Assert.StartsWith("agw_live_", created.Str("key"), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.GetProperty("expiresAt").ValueKind);
        Assert.Equal(0, created.GetProperty("allowedIps").GetArrayLength());
        Assert.Equal(0, created.GetProperty("workspaces").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.GetProperty("owner").ValueKind);
    }

    [Fact]
    public async Task Get_UnknownOrMalformedId_Returns404Problem()
    {
        using var unknown = await _client.GetAsync($"/v1/keys/{Ids.New("key")}", Ct);
        await ApiAssert.ProblemAsync(unknown, HttpStatusCode.NotFound, "Key not found");

        using var junk = await _client.GetAsync("/v1/keys/not-an-id';--", Ct);
        await ApiAssert.ProblemAsync(junk, HttpStatusCode.NotFound, "Key not found");
    }

    [Fact]
    public async Task Get_AfterExpiryTime_StatusIsExpired()
    {
        var body = KeyRequests.Valid();
        body["expiresAt"] = factory.Clock.GetUtcNow().AddMinutes(5).ToString("O");
        var created = await _client.MintAsync(body);
        Assert.Equal("active", created.Str("status"));

        factory.Clock.Advance(TimeSpan.FromMinutes(6));

        var fetched = await _client.GetJsonAsync($"/v1/keys/{created.Str("id")}");
        Assert.Equal("expired", fetched.Str("status"));
    }

    [Fact]
    public async Task List_FiltersAndPaging_ReturnsPageShape()
    {
        var owner = $"list-{Guid.NewGuid():N}";
        var workspace = $"ws-{Guid.NewGuid():N}"[..30];
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var body = KeyRequests.Valid(owner);
            body["workspaceId"] = workspace;
            ids.Add((await _client.MintAsync(body)).Str("id"));
        }
        await _client.DeleteAsync($"/v1/keys/{ids[0]}", Ct);

        var page = await _client.GetJsonAsync($"/v1/keys?owner={owner}&limit=2&offset=0");
        Assert.Equal(["items", "limit", "nextCursor", "offset", "total"], page.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("limit").GetInt32());
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var rest = await _client.GetJsonAsync($"/v1/keys?owner={owner}&limit=2&offset=2");
        Assert.Equal(1, rest.GetProperty("items").GetArrayLength());
        Assert.Equal(2, rest.GetProperty("offset").GetInt32());

        var active = await _client.GetJsonAsync($"/v1/keys?workspaceId={workspace}&status=active");
        Assert.Equal(2, active.GetProperty("total").GetInt32());
        var revoked = await _client.GetJsonAsync($"/v1/keys?workspaceId={workspace}&status=revoked");
        Assert.Equal(ids[0], Assert.Single(revoked.GetProperty("items").EnumerateArray()).Str("id"));
        Assert.All(active.GetProperty("items").EnumerateArray(), item => Assert.False(item.TryGetProperty("key", out _)));
    }

    [Fact]
    public async Task List_DefaultLimit_Is50()
    {
        var page = await _client.GetJsonAsync("/v1/keys");
        Assert.Equal(50, page.GetProperty("limit").GetInt32());
        Assert.Equal(0, page.GetProperty("offset").GetInt32());
    }

    [Theory]
    [InlineData("status=bogus", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("offset=-1", "offset")]
    public async Task List_BadQuery_Returns400NamingParameter(string query, string field)
    {
        using var response = await _client.GetAsync($"/v1/keys?{query}", Ct);
        await ApiAssert.ValidationErrorAsync(response, field);
    }

    [Fact]
    public async Task List_NonIntegerLimit_Returns400Problem()
    {
        using var response = await _client.GetAsync("/v1/keys?limit=abc", Ct);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_OwnerAtCap_Returns409NamingLimit()
    {
        var owner = $"cap-{Guid.NewGuid():N}";
        for (var i = 0; i < 10; i++)
        {
            await _client.MintAsync(KeyRequests.Valid(owner));
        }

        using var response = await _client.PostJsonAsync("/v1/keys", KeyRequests.Valid(owner));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Active key limit reached");
        Assert.Contains(owner, problem.Str("detail"), StringComparison.Ordinal);
        Assert.Contains("10", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OwnerCapCountsOnlyActiveKeys()
    {
        var owner = $"cap-{Guid.NewGuid():N}";
        var first = await _client.MintAsync(KeyRequests.Valid(owner));
        var expiring = KeyRequests.Valid(owner);
        expiring["expiresAt"] = factory.Clock.GetUtcNow().AddMinutes(1).ToString("O");
        await _client.MintAsync(expiring);
        for (var i = 0; i < 8; i++)
        {
            await _client.MintAsync(KeyRequests.Valid(owner));
        }
        await _client.DeleteAsync($"/v1/keys/{first.Str("id")}", Ct);
        factory.Clock.Advance(TimeSpan.FromMinutes(2));

        // 10 minted, one revoked and one expired: two more fit, the third does not.
        await _client.MintAsync(KeyRequests.Valid(owner));
        await _client.MintAsync(KeyRequests.Valid(owner));
        using var over = await _client.PostJsonAsync("/v1/keys", KeyRequests.Valid(owner));
        await ApiAssert.ProblemAsync(over, HttpStatusCode.Conflict, "Active key limit reached");
    }

    [Fact]
    public async Task Create_50ParallelMintsForOneOwner_NeverExceedCap()
    {
        var owner = $"race-{Guid.NewGuid():N}";
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _client.PostJsonAsync("/v1/keys", KeyRequests.Valid(owner))));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var page = await _client.GetJsonAsync($"/v1/keys?owner={owner}&status=active");
        Assert.Equal(10, page.GetProperty("total").GetInt32());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task GetAndList_RecordedUsage_ShowLastUsedAtAndTrailingCounts()
    {
        var created = await _client.MintAsync(KeyRequests.Valid($"usage-{Guid.NewGuid():N}"));
        var id = created.Str("id");
        var now = factory.Clock.GetUtcNow();
        await factory.Services.GetRequiredService<IUsageStore>().RecordUsageAsync(
        [
            new UsageIncrement(id, UsageHours.Start(now), 3, now),
            new UsageIncrement(id, UsageHours.Start(now.AddDays(-3)), 4, now.AddDays(-3)),
            new UsageIncrement(id, UsageHours.Start(now.AddDays(-20)), 5, now.AddDays(-20)),
            new UsageIncrement(id, UsageHours.Start(now.AddDays(-40)), 6, now.AddDays(-40)),
        ], Ct);

        var fetched = await _client.GetJsonAsync($"/v1/keys/{id}");
        var listed = (await _client.GetJsonAsync($"/v1/keys?owner={created.Str("owner")}")).GetProperty("items")[0];

        foreach (var record in new[] { fetched, listed })
        {
            Assert.Equal(now, record.Time("lastUsedAt"));
            var usage = record.GetProperty("usage");
            Assert.Equal(3, usage.GetProperty("last24h").GetInt64());
            Assert.Equal(7, usage.GetProperty("last7d").GetInt64());
            Assert.Equal(12, usage.GetProperty("last30d").GetInt64());
        }
    }

    [Fact]
    public async Task OpenApi_ListKeys_DocumentsCamelCaseQueryParameters()
    {
        using var response = await _client.GetAsync("/openapi/v1.json", Ct);
        var document = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);

        var parameters = document.GetProperty("paths").GetProperty("/v1/keys").GetProperty("get").GetProperty("parameters");
        Assert.Equal(["workspaceId", "owner", "status", "search", "prefix", "limit", "offset", "cursor"], parameters.EnumerateArray().Select(p => p.Str("name")));
    }
}
