using System.Net;
using System.Text.Json;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Tests.Endpoints;

public sealed class AdminKeysEndpointsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _owner = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_Owner_Returns201WithPlaintextOnceAndItWorks()
    {
        using var response = await _owner.PostAsync("/v1/admin-keys", KeyRequests.Json(new { name = "second owner", role = "owner" }), Ct);

        var created = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(
            ["createdAt", "createdBy", "id", "key", "name", "prefix", "revokedAt", "role", "status"],
            created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("owner", created.Str("role"));
        Assert.Equal("active", created.Str("status"));
        Assert.StartsWith("agw_admin_", created.Str("key"), StringComparison.Ordinal);
        Assert.Equal(created.Str("key")[..16], created.Str("prefix"));
        Assert.Equal($"/v1/admin-keys/{created.Str("id")}", response.Headers.Location?.OriginalString);
        using var secondOwner = factory.CreateClient(created.Str("key"));
        (await secondOwner.GetAsync("/v1/admin-keys", Ct)).EnsureSuccessStatusCode().Dispose();

        var list = await _owner.GetJsonAsync("/v1/admin-keys");
        var listed = list.GetProperty("items").EnumerateArray().Single(i => i.Str("id") == created.Str("id"));
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.DoesNotContain(created.Str("key"), list.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_IncludesBootstrapOwnerWithItsIdAsPrefix()
    {
        var list = await _owner.GetJsonAsync("/v1/admin-keys");

        var bootstrap = list.GetProperty("items").EnumerateArray().First();
        Assert.Equal("bootstrap", bootstrap.Str("name"));
        Assert.Equal("owner", bootstrap.Str("role"));
        Assert.Equal(JsonValueKind.Null, bootstrap.GetProperty("createdBy").ValueKind);
        // An operator-chosen bootstrap secret shows no part of itself: the prefix is the public id.
        Assert.Equal(bootstrap.Str("id"), bootstrap.Str("prefix"));
    }

    [Theory]
    [InlineData("""{ "role": "admin" }""", "name")]
    [InlineData("""{ "name": "", "role": "admin" }""", "name")]
    [InlineData("""{ "name": "x", "role": "root" }""", "role")]
    [InlineData("""{ "name": "x", "scopes": [] }""", "scopes")]
    public async Task Create_Invalid_Returns400(string json, string field)
    {
        using var response = await _owner.PostRawAsync("/v1/admin-keys", json);
        await ApiAssert.ValidationErrorAsync(response, field);
    }

    [Fact]
    public async Task Revoke_Twice_Returns200BothTimes()
    {
        using var created = await _owner.PostAsync("/v1/admin-keys", KeyRequests.Json(new { name = "temp" }), Ct);
        var admin = await ApiAssert.JsonAsync(created, HttpStatusCode.Created);

        using var first = await _owner.DeleteAsync($"/v1/admin-keys/{admin.Str("id")}", Ct);
        using var second = await _owner.DeleteAsync($"/v1/admin-keys/{admin.Str("id")}", Ct);

        var revoked = await ApiAssert.JsonAsync(first, HttpStatusCode.OK);
        var again = await ApiAssert.JsonAsync(second, HttpStatusCode.OK);
        Assert.Equal("revoked", revoked.Str("status"));
        Assert.Equal(revoked.Str("revokedAt"), again.Str("revokedAt"));
    }

    [Fact]
    public async Task Revoke_UnknownOrJunkId_Returns404()
    {
        using var unknown = await _owner.DeleteAsync($"/v1/admin-keys/{Ids.New("adm")}", Ct);
        await ApiAssert.ProblemAsync(unknown, HttpStatusCode.NotFound, "Admin credential not found");
        using var junk = await _owner.DeleteAsync("/v1/admin-keys/x", Ct);
        await ApiAssert.ProblemAsync(junk, HttpStatusCode.NotFound, "Admin credential not found");
    }

    [Fact]
    public async Task Revoke_LastActiveOwner_Returns409()
    {
        // A fresh database: the bootstrap credential is the only owner.
        await using var isolated = new AdminApiFactory();
        using var owner = isolated.CreateOwnerClient();
        var list = await owner.GetJsonAsync("/v1/admin-keys");
        var id = list.GetProperty("items")[0].Str("id");

        using var response = await owner.DeleteAsync($"/v1/admin-keys/{id}", Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Last owner credential");
    }
}
