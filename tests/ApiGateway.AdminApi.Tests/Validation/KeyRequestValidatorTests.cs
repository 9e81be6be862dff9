using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Validation;

/// <summary>Each rule of a mint body, through the HTTP API: a 400 naming the field, and no key written.</summary>
public sealed class KeyRequestValidatorTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _client = factory.CreateOwnerClient();

    public static TheoryData<string, string?, string> InvalidFields => new()
    {
        { "name", null, "name" },
        { "name", "\"\"", "name" },
        { "name", "\"   \"", "name" },
        { "name", $"\"{new string('n', 101)}\"", "name" },
        { "name", "\"bad\\u0007name\"", "name" },
        { "workspaceId", null, "workspaceId" },
        { "workspaceId", "\"\"", "workspaceId" },
        { "workspaceId", "\"has space\"", "workspaceId" },
        { "workspaceId", $"\"{new string('w', 101)}\"", "workspaceId" },
        { "scopes", null, "scopes" },
        { "scopes", "[]", "scopes" },
        { "scopes", "[\"contacts:*\"]", "scopes" },
        { "scopes", "[\"*:write\"]", "scopes" },
        { "scopes", "[\"CONTACTS:READ\"]", "scopes" },
        { "scopes", "[\"unknown:read\"]", "scopes" },
        { "scopes", "[\"contacts\"]", "scopes" },
        { "scopes", "[null]", "scopes" },
        { "mode", "\"admin\"", "mode" },
        { "mode", "\"LIVE\"", "mode" },
        { "expiresAt", "\"2025-12-31T23:59:59Z\"", "expiresAt" },
        { "expiresInDays", "0", "expiresInDays" },
        { "expiresInDays", "3651", "expiresInDays" },
        { "expiresAt", "\"9999-12-31T23:59:59.999Z\"", "expiresAt" },
        { "expiresAt", "\"2100-01-01T00:00:00Z\"", "expiresAt" },
        { "tier", "\"gold\"", "tier" },
        { "tier", "\"Free\"", "tier" },
        { "rateLimit", "{ \"limit\": 0, \"periodSeconds\": 60 }", "rateLimit.limit" },
        { "rateLimit", "{ \"limit\": 10, \"periodSeconds\": 0 }", "rateLimit.periodSeconds" },
        { "rateLimit", "{ \"limit\": 10 }", "rateLimit.periodSeconds" },
        { "rateLimit", "{ \"limit\": 10000001, \"periodSeconds\": 1 }", "rateLimit.limit" },
        { "quota", "{ \"daily\": 0 }", "quota.daily" },
        { "quota", "{ \"monthly\": -5 }", "quota.monthly" },
        { "quota", "{}", "quota" },
        { "allowedIps", "[\"10.0.0.0/33\"]", "allowedIps" },
        { "allowedIps", "[\"10.0.0.1/24\"]", "allowedIps" },
        { "allowedIps", "[\"999.1.1.1\"]", "allowedIps" },
        { "allowedIps", "[\"10.1\"]", "allowedIps" },
        { "allowedIps", "[\"example.com\"]", "allowedIps" },
        { "workspaces", "[\"bad id\"]", "workspaces" },
        { "owner", "\"\"", "owner" },
        { "owner", $"\"{new string('o', 201)}\"", "owner" },
        // owner goes upstream as X-Api-Key-Owner: visible ASCII only (docs/gateway.md "Upstream").
        { "owner", "\"jos\u00e9\"", "owner" },
        { "owner", "\"alice smith\"", "owner" },
        { "owner", "\"\u7528\u6237\"", "owner" },
        { "owner", "\"alice\u00a0\"", "owner" },
        { "owner", "\"alice\u007f\"", "owner" },
        { "workspaceId", "\"ws_\u00e9\"", "workspaceId" },
        { "workspaces", "[\"ws_\u0130\"]", "workspaces" },
        // Names are shown in the console and the audit log: no bidi controls that reorder what an operator reads.
        { "name", "\"invoice\u202Egpj.exe\"", "name" },
        { "name", "\"a\u202Ab\"", "name" },
        { "name", "\"a\u2066b\u2069\"", "name" },
        { "name", "\"a\u200Fb\"", "name" },
        { "name", "\"a\u200Eb\"", "name" },
        { "name", "\"a\u061Cb\"", "name" },
        { "name", "\"line\u2028break\"", "name" },
        { "name", "\"a\u0085b\"", "name" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Create_InvalidField_Returns400NamingField(string property, string? json, string field)
    {
        var body = KeyRequests.Valid();
        body["name"] = $"validation {property} {json?.Length}";
        body.Remove(property);
        if (json is not null)
        {
            body[property] = JsonNode.Parse(json);
        }
        var before = await _client.GetJsonAsync("/v1/keys?limit=1");

        using var response = await _client.PostJsonAsync("/v1/keys", body);

        var messages = await ApiAssert.ValidationErrorAsync(response, field);
        Assert.NotEmpty(messages);
        var after = await _client.GetJsonAsync("/v1/keys?limit=1");
        Assert.Equal(before.GetProperty("total").GetInt32(), after.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Create_ExpiresAtAndExpiresInDays_Returns400()
    {
        var body = KeyRequests.Valid();
        body["expiresAt"] = factory.Clock.GetUtcNow().AddDays(1).ToString("O");
        body["expiresInDays"] = 1;

        using var response = await _client.PostJsonAsync("/v1/keys", body);

        await ApiAssert.ValidationErrorAsync(response, "expiresInDays");
    }

    [Fact]
    public async Task Create_TooManyAllowedIps_Returns400()
    {
        var body = KeyRequests.Valid();
        body["allowedIps"] = new JsonArray([.. Enumerable.Range(0, 101).Select(i => (JsonNode)$"10.0.{i}.0/24")]);

        using var response = await _client.PostJsonAsync("/v1/keys", body);

        await ApiAssert.ValidationErrorAsync(response, "allowedIps");
    }

    [Fact]
    public async Task Create_ManyInvalidFields_ReportsEveryOne()
    {
        using var response = await _client.PostRawAsync("/v1/keys", """
            { "name": "", "scopes": ["contacts:*"], "mode": "x", "tier": "gold", "expiresInDays": 0,
              "rateLimit": { "limit": 0, "periodSeconds": 0 }, "quota": { "daily": 0 }, "allowedIps": ["x"] }
            """);

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(
            ["allowedIps", "expiresInDays", "mode", "name", "quota.daily", "rateLimit.limit", "rateLimit.periodSeconds", "scopes", "tier", "workspaceId"],
            fields);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*:read")]
    [InlineData("invoices:write")]
    public async Task Create_WildcardOrCatalogueScope_IsAccepted(string scope)
    {
        var body = KeyRequests.Valid();
        body["scopes"] = new JsonArray(scope);

        var created = await _client.MintAsync(body);

        Assert.Equal(scope, created.GetProperty("scopes")[0].GetString());
    }

    [Theory]
    [InlineData("user_42")]
    [InlineData("alice@example.com")]
    [InlineData("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")]
    public async Task Create_VisibleAsciiOwner_IsAccepted(string owner)
    {
        var body = KeyRequests.Valid();
        body["owner"] = owner;

        var created = await _client.MintAsync(body);

        Assert.Equal(owner, created.Str("owner"));
    }

    [Theory]
    [InlineData("Übersicht 📈 ✓")]
    [InlineData("שלום world")]
    [InlineData("👩‍💻 team")]
    public async Task Create_UnicodeNameWithoutControls_IsAccepted(string name)
    {
        var body = KeyRequests.Valid();
        body["name"] = name;

        var created = await _client.MintAsync(body);

        Assert.Equal(name, created.Str("name"));
    }

    [Fact]
    public async Task Update_BidiOverrideInName_Returns400()
    {
        var key = await _client.MintAsync();

        using var response = await _client.PatchJsonAsync($"/v1/keys/{key.Str("id")}", """{ "name": "safe\u202Etxt.exe" }""");

        await ApiAssert.ValidationErrorAsync(response, "name");
    }

    [Fact]
    public async Task CreateAdminKey_BidiOverrideInName_Returns400()
    {
        using var response = await _client.PostRawAsync("/v1/admin-keys", """{ "name": "ops\u202Etoor", "role": "admin" }""");

        await ApiAssert.ValidationErrorAsync(response, "name");
    }

    [Fact]
    public async Task Rotate_StoredOwnerNotAHeaderValue_Returns400NamingOwnerAndMintsNothing()
    {
        // A key minted before owners were restricted: its successor would carry the same unsendable owner.
        var key = await _client.MintAsync();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(factory.Database.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE api_keys SET owner = 'jos\u00e9' WHERE id = $id";
            command.Parameters.AddWithValue("$id", key.Str("id"));
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        using var response = await _client.PostRawAsync($"/v1/keys/{key.Str("id")}/rotate", "{}");

        await ApiAssert.ValidationErrorAsync(response, "owner");
        var after = await _client.GetJsonAsync($"/v1/keys/{key.Str("id")}");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("rotatedTo").ValueKind);
        Assert.Equal("active", after.Str("status"));
    }

    [Fact]
    public async Task Create_Ipv6AndSingleAddresses_AreAccepted()
    {
        var body = KeyRequests.Valid();
        body["allowedIps"] = new JsonArray("2001:db8::/32", "::1", "127.0.0.1", "0.0.0.0/0");

        var created = await _client.MintAsync(body);

        Assert.Equal(4, created.GetProperty("allowedIps").GetArrayLength());
    }
}
