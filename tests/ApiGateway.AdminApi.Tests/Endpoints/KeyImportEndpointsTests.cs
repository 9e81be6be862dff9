using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Endpoints;

/// <summary><c>POST /v1/keys/import</c>: all or nothing, every failure named <c>keys[i].field</c>, duplicates a 409 naming the index.</summary>
public sealed class KeyImportEndpointsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _client = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Import_ValidItems_201WithRecordsInOrderAndOneKeyImportedEventEach()
    {
        var first = Item("sk_live_import_first_0001", "alice");
        first["tier"] = "pro";
        first["rateLimit"] = new JsonObject { ["limit"] = 5, ["periodSeconds"] = 1 };
        first["expiresAt"] = factory.Clock.GetUtcNow().AddDays(30).ToString("O");
        var second = Item("sk_live_import_second_002");
        second["mode"] = "test";

        using var response = await _client.PostJsonAsync("/v1/keys/import", Body(first, second));

        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        var items = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["sk_live_", "sk_live_"], items.Select(i => i.Str("prefix")[..8]));
        Assert.Equal(("imported first", "alice", "pro", "active"), (items[0].Str("name"), items[0].Str("owner"), items[0].Str("tier"), items[0].Str("status")));
        Assert.Equal(5, items[0].GetProperty("rateLimit").GetProperty("limit").GetInt32());
        Assert.Equal("test", items[1].Str("mode"));
        Assert.False(items[0].TryGetProperty("key", out _));
        Assert.DoesNotContain(Sha256Hex("sk_live_import_first_0001"), await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            var audit = await _client.GetJsonAsync($"/v1/audit?keyId={item.Str("id")}");
            var events = audit.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(["key.imported"], events.Select(e => e.Str("action")));
            Assert.Equal(item.Str("prefix"), events[0].GetProperty("details").Str("prefix"));
        }
        Assert.Equal(items[0].Str("id"), (await _client.GetJsonAsync($"/v1/keys/{items[0].Str("id")}")).Str("id"));
    }

    [Theory]
    [InlineData("hash", "\"nothex\"")]
    [InlineData("hash", "null")]
    [InlineData("prefix", "\"abc\"")]
    [InlineData("prefix", "\"way_too_long_prefix\"")]
    [InlineData("prefix", "\"has space\"")]
    [InlineData("name", "null")]
    [InlineData("workspaceId", "null")]
    [InlineData("scopes", "[]")]
    [InlineData("tier", "\"gold\"")]
    [InlineData("expiresAt", "\"2020-01-01T00:00:00Z\"")]
    [InlineData("allowedIps", "[\"nope\"]")]
    [InlineData("mode", "\"admin\"")]
    [InlineData("rateLimit.limit", "{\"limit\":0,\"periodSeconds\":1}")]
    public async Task Import_OneInvalidItem_400NamingKeysIndexFieldAndNothingStored(string field, string value)
    {
        var good = Item($"sk_live_good_{field}_0001", name: $"invalid {field}");
        var bad = Item($"sk_live_bad_{field}_00001", name: $"invalid {field}");
        bad[field.Split('.')[0]] = JsonNode.Parse(value);

        using var response = await _client.PostJsonAsync("/v1/keys/import", Body(good, bad));

        await ApiAssert.ValidationErrorAsync(response, $"keys[1].{field}");
        Assert.Equal(0, await CountByNameAsync($"invalid {field}"));
    }

    [Theory]
    [InlineData("{}", "keys")]
    [InlineData("""{ "keys": [] }""", "keys")]
    [InlineData("""{ "keys": [null] }""", "keys[0]")]
    public async Task Import_BadList_400NamingIt(string json, string field)
    {
        using var response = await _client.PostRawAsync("/v1/keys/import", json);

        await ApiAssert.ValidationErrorAsync(response, field);
    }

    [Fact]
    public async Task Import_AnUnknownFieldInAnItem_400AndNothingStored()
    {
        var item = Item("sk_live_unknown_field_01", name: "unknown field");
        item["expiresInDays"] = 3;

        using var response = await _client.PostJsonAsync("/v1/keys/import", Body(item));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountByNameAsync("unknown field"));
    }

    [Fact]
    public async Task Import_MoreThanAThousand_400()
    {
        var items = Enumerable.Range(0, 1001).Select(i => Item($"sk_live_many_{i:D6}_abcdef")).ToArray();

        using var response = await _client.PostJsonAsync("/v1/keys/import", Body(items));

        await ApiAssert.ValidationErrorAsync(response, "keys");
    }

    [Fact]
    public async Task Import_AThousand_AllStoredInOneGo()
    {
        var items = Enumerable.Range(0, 1000).Select(i => Item($"sk_live_bulk_{i:D6}_abcdef", name: $"bulk {i}")).ToArray();

        using var response = await _client.PostJsonAsync("/v1/keys/import", Body(items));

        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(1000, body.GetProperty("items").GetArrayLength());
        Assert.Equal("bulk 999", body.GetProperty("items")[999].Str("name"));
    }

    [Fact]
    public async Task Import_HashStoredAlready_409NamingTheIndexAndNothingStored()
    {
        using (var first = await _client.PostJsonAsync("/v1/keys/import", Body(Item("sk_live_once_only_000001", name: "stored first"))))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using var response = await _client.PostJsonAsync("/v1/keys/import",
            Body(Item("sk_live_new_one_00000001", name: "never stored"), Item("sk_live_once_only_000001", name: "never stored")));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Key already exists");
        Assert.Equal((1, "keys[1].hash"), (problem.GetProperty("index").GetInt32(), problem.Str("field")));
        Assert.Equal(0, await CountByNameAsync("never stored"));
    }

    [Fact]
    public async Task Import_SameHashTwiceInTheBody_409NamingTheSecondAndNothingStored()
    {
        using var response = await _client.PostJsonAsync("/v1/keys/import",
            Body(Item("sk_live_twice_0000000001", name: "twice"), Item("sk_live_other_0000000001", name: "twice"), Item("sk_live_twice_0000000001", name: "twice")));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Key already exists");
        Assert.Equal((2, "keys[2].hash"), (problem.GetProperty("index").GetInt32(), problem.Str("field")));
        Assert.Equal(0, await CountByNameAsync("twice"));
    }

    [Fact]
    public async Task Import_UppercaseHexOfAStoredHash_IsTheSameHash409()
    {
        var lower = Item("sk_live_case_000000001", name: "case");
        using (var first = await _client.PostJsonAsync("/v1/keys/import", Body(lower)))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }
        var upper = Item("sk_live_case_000000001", name: "case upper");
        upper["hash"] = Sha256Hex("sk_live_case_000000001").ToUpperInvariant();

        using var response = await _client.PostJsonAsync("/v1/keys/import", Body(upper));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Key already exists");
    }

    [Fact]
    public async Task Import_OverTheOwnersCap_409NamingTheFirstItemOverAndNothingStored()
    {
        var max = 10; // Keys:MaxActivePerOwner's default
        var items = Enumerable.Range(0, max + 1).Select(i => Item($"sk_live_capped_{i:D4}_abcd", owner: "capped-owner", name: "capped")).ToArray();

        using var response = await _client.PostJsonAsync("/v1/keys/import", Body(items));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "Active key limit reached");
        Assert.Equal((max, $"keys[{max}].owner"), (problem.GetProperty("index").GetInt32(), problem.Str("field")));
        Assert.Equal(0, await CountByNameAsync("capped"));
    }

    [Fact]
    public async Task Import_AdminRole_403()
    {
        using var created = await _client.PostJsonAsync("/v1/admin-keys", new JsonObject { ["name"] = "ops", ["role"] = "admin" });
        using var admin = factory.CreateClient((await ApiAssert.JsonAsync(created, HttpStatusCode.Created)).Str("key"));

        using var response = await admin.PostJsonAsync("/v1/keys/import", Body(Item("sk_live_by_admin_0000001", name: "by admin")));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await CountByNameAsync("by admin"));
    }

    internal static JsonObject Item(string plaintext, string? owner = null, string name = "imported first") => new()
    {
        ["hash"] = Sha256Hex(plaintext),
        ["prefix"] = plaintext[..12],
        ["name"] = name,
        ["workspaceId"] = "ws_import",
        ["scopes"] = new JsonArray("contacts:read"),
        ["owner"] = owner,
    };

    internal static string Sha256Hex(string plaintext) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext)));

    private static JsonObject Body(params JsonObject[] items) => new() { ["keys"] = new JsonArray([.. items]) };

    private async Task<int> CountByNameAsync(string name)
    {
        var page = await _client.GetJsonAsync($"/v1/keys?workspaceId=ws_import&search={Uri.EscapeDataString(name)}&limit=200");
        return page.GetProperty("items").EnumerateArray().Count(k => k.Str("name") == name);
    }
}
