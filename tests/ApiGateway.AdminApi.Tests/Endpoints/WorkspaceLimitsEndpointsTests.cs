using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Endpoints;

/// <summary><c>/v1/workspaces/{workspaceId}/limits</c> and <c>/v1/workspaces/limits</c> (docs/admin-api.md "Workspace limits").</summary>
public sealed class WorkspaceLimitsEndpointsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _owner = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewWorkspace() => "ws_" + Guid.NewGuid().ToString("N")[..12];

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string workspaceId, string json) =>
        client.PutAsync($"/v1/workspaces/{workspaceId}/limits", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    [Fact]
    public async Task Put_Limits_200RecordThatGetReturns_AuditedWithoutKey()
    {
        var workspace = NewWorkspace();

        using var put = await PutAsync(_owner, workspace, """{ "tier": "pro", "rateLimit": { "limit": 1000, "periodSeconds": 60 }, "quota": { "monthly": 500000 } }""");

        var record = await ApiAssert.JsonAsync(put, HttpStatusCode.OK);
        Assert.Equal(workspace, record.Str("workspaceId"));
        Assert.Equal("pro", record.Str("tier"));
        Assert.Equal(1000, record.GetProperty("rateLimit").GetProperty("limit").GetInt32());
        Assert.Equal(60, record.GetProperty("rateLimit").GetProperty("periodSeconds").GetInt32());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("quota").GetProperty("daily").ValueKind);
        Assert.Equal(500000, record.GetProperty("quota").GetProperty("monthly").GetInt64());
        Assert.Equal(factory.Clock.GetUtcNow(), record.Time("updatedAt"));
        Assert.StartsWith("adm_", record.Str("updatedBy"), StringComparison.Ordinal);
        Assert.Equal(record.GetRawText(), (await _owner.GetJsonAsync($"/v1/workspaces/{workspace}/limits")).GetRawText());

        var audit = (await _owner.GetJsonAsync("/v1/audit?action=workspace.limits_updated&limit=200")).GetProperty("items").EnumerateArray()
            .Single(e => e.GetProperty("details").GetProperty("workspaceId").GetString() == workspace);
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("keyId").ValueKind);
        Assert.Equal(record.Str("updatedBy"), audit.GetProperty("actor").Str("id"));
        Assert.Equal("pro", audit.GetProperty("details").Str("tier"));
    }

    [Fact]
    public async Task Put_SameLimitsTwice_OneAuditEvent_NullClearsAField()
    {
        var workspace = NewWorkspace();
        const string body = """{ "rateLimit": { "limit": 5, "periodSeconds": 1 } }""";
        using var first = await PutAsync(_owner, workspace, body);
        var created = await ApiAssert.JsonAsync(first, HttpStatusCode.OK);
        factory.Clock.Advance(TimeSpan.FromSeconds(5));

        using var second = await PutAsync(_owner, workspace, body);
        using var third = await PutAsync(_owner, workspace, """{ "rateLimit": null, "quota": { "daily": 7 } }""");

        Assert.Equal(created.GetRawText(), (await ApiAssert.JsonAsync(second, HttpStatusCode.OK)).GetRawText());
        var replaced = await ApiAssert.JsonAsync(third, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("rateLimit").ValueKind);
        Assert.Equal(7, replaced.GetProperty("quota").GetProperty("daily").GetInt64());
        Assert.Equal(factory.Clock.GetUtcNow(), replaced.Time("updatedAt"));
        var events = (await _owner.GetJsonAsync("/v1/audit?action=workspace.limits_updated&limit=200")).GetProperty("items").EnumerateArray()
            .Count(e => e.GetProperty("details").GetProperty("workspaceId").GetString() == workspace);
        Assert.Equal(2, events);
    }

    [Theory]
    [InlineData("""{ }""", "tier")]
    [InlineData("""{ "tier": null, "rateLimit": null, "quota": null }""", "rateLimit")]
    [InlineData("""{ "tier": "gold" }""", "tier")]
    [InlineData("""{ "tier": "PRO" }""", "tier")]
    [InlineData("""{ "rateLimit": { "limit": 0, "periodSeconds": 60 } }""", "rateLimit.limit")]
    [InlineData("""{ "rateLimit": { "limit": 10 } }""", "rateLimit.periodSeconds")]
    [InlineData("""{ "rateLimit": { "limit": 10, "periodSeconds": 86401 } }""", "rateLimit.periodSeconds")]
    [InlineData("""{ "quota": { } }""", "quota")]
    [InlineData("""{ "quota": { "daily": 0 } }""", "quota.daily")]
    [InlineData("""{ "quota": { "monthly": -1 } }""", "quota.monthly")]
    public async Task Put_InvalidLimits_400NamingTheField(string json, string field)
    {
        using var response = await PutAsync(_owner, NewWorkspace(), json);

        Assert.NotEmpty(await ApiAssert.ValidationErrorAsync(response, field));
    }

    [Fact]
    public async Task Put_WorkspaceIdNoKeyCouldHave_400NamingWorkspaceId()
    {
        using var response = await PutAsync(_owner, "ws%20bad", """{ "tier": "pro" }""");

        Assert.NotEmpty(await ApiAssert.ValidationErrorAsync(response, "workspaceId"));
    }

    [Theory]
    [InlineData("""{ "tiers": "pro" }""")]
    [InlineData("""{ "rateLimit": { "limit": "ten", "periodSeconds": 1 } }""")]
    [InlineData("""not json""")]
    public async Task Put_MalformedBody_400Problem(string json)
    {
        using var response = await PutAsync(_owner, NewWorkspace(), json);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_NoLimits_404Problem()
    {
        using var response = await _owner.GetAsync($"/v1/workspaces/{NewWorkspace()}/limits", Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "Workspace limits not found");
    }

    [Fact]
    public async Task Delete_Twice_204Both_OneRemovalEvent_ThenGet404()
    {
        var workspace = NewWorkspace();
        (await PutAsync(_owner, workspace, """{ "tier": "free" }""")).Dispose();

        using var first = await _owner.DeleteAsync($"/v1/workspaces/{workspace}/limits", Ct);
        using var second = await _owner.DeleteAsync($"/v1/workspaces/{workspace}/limits", Ct);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, second.StatusCode));
        using var get = await _owner.GetAsync($"/v1/workspaces/{workspace}/limits", Ct);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        var removals = (await _owner.GetJsonAsync("/v1/audit?action=workspace.limits_removed&limit=200")).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("details").GetProperty("workspaceId").GetString() == workspace).ToList();
        Assert.Single(removals);
        Assert.Equal(JsonValueKind.Null, removals[0].GetProperty("keyId").ValueKind);
    }

    [Fact]
    public async Task List_PagedLikeKeys_TotalLimitOffsetAndNextCursor()
    {
        var prefix = "wl_" + Guid.NewGuid().ToString("N")[..8];
        foreach (var suffix in new[] { "_c", "_a", "_b" })
        {
            (await PutAsync(_owner, prefix + suffix, """{ "quota": { "daily": 10 } }""")).Dispose();
        }
        var all = await _owner.GetJsonAsync("/v1/workspaces/limits?limit=200");
        var ours = all.GetProperty("items").EnumerateArray().Select(i => i.Str("workspaceId")).Where(w => w.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        Assert.Equal([prefix + "_a", prefix + "_b", prefix + "_c"], ours);
        var total = all.GetProperty("total").GetInt32();

        var first = await _owner.GetJsonAsync("/v1/workspaces/limits?limit=1");
        var next = await _owner.GetJsonAsync($"/v1/workspaces/limits?limit=1&cursor={first.Str("nextCursor")}");

        Assert.Equal((total, 1, 0), (first.GetProperty("total").GetInt32(), first.GetProperty("limit").GetInt32(), first.GetProperty("offset").GetInt32()));
        Assert.Equal(all.GetProperty("items")[1].Str("workspaceId"), next.GetProperty("items")[0].Str("workspaceId"));
        var viaOffset = await _owner.GetJsonAsync("/v1/workspaces/limits?limit=1&offset=1");
        Assert.Equal(next.GetProperty("items")[0].GetRawText(), viaOffset.GetProperty("items")[0].GetRawText());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("offset=10001", "offset")]
    [InlineData("cursor=bm9wZQ", "cursor")]
    [InlineData("cursor=dy53c19h&offset=0", "cursor")]
    public async Task List_BadPaging_400NamingTheParameter(string query, string field)
    {
        using var response = await _owner.GetAsync($"/v1/workspaces/limits?{query}", Ct);

        Assert.NotEmpty(await ApiAssert.ValidationErrorAsync(response, field));
    }

    [Fact]
    public async Task AdminRole_MaySetAndRemove_NoCredential401()
    {
        var created = await ApiAssert.JsonAsync(
            await _owner.PostAsJsonAsync("/v1/admin-keys", new { name = "limits admin", role = "admin" }, Ct), HttpStatusCode.Created);
        using var admin = factory.CreateClient(created.Str("key"));
        using var anonymous = factory.CreateClient(null);
        var workspace = NewWorkspace();

        using (var put = await PutAsync(admin, workspace, """{ "tier": "free" }"""))
        {
            Assert.Equal(created.Str("id"), (await ApiAssert.JsonAsync(put, HttpStatusCode.OK)).Str("updatedBy"));
        }
        using (var denied = await PutAsync(anonymous, workspace, """{ "tier": "free" }"""))
        {
            await ApiAssert.ProblemAsync(denied, HttpStatusCode.Unauthorized);
        }
        using var removed = await admin.DeleteAsync($"/v1/workspaces/{workspace}/limits", Ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
    }

    [Fact]
    public async Task Put_AppendsTheWorkspacesChangeFeedRow()
    {
        var feed = factory.Services.GetRequiredService<IKeyChangeFeed>();
        var before = await feed.GetLatestSequenceAsync(Ct);
        var workspace = NewWorkspace();

        (await PutAsync(_owner, workspace, """{ "tier": "pro" }""")).Dispose();
        (await _owner.DeleteAsync($"/v1/workspaces/{workspace}/limits", Ct)).Dispose();

        Assert.Equal([$"workspace:{workspace}", $"workspace:{workspace}"],
            (await feed.ReadAsync(before, 100, Ct)).Select(c => c.KeyId).Where(id => id.EndsWith(workspace, StringComparison.Ordinal)));
    }
}
