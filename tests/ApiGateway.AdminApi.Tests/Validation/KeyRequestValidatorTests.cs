using System.Net;
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

    [Fact]
    public async Task Create_Ipv6AndSingleAddresses_AreAccepted()
    {
        var body = KeyRequests.Valid();
        body["allowedIps"] = new JsonArray("2001:db8::/32", "::1", "127.0.0.1", "0.0.0.0/0");

        var created = await _client.MintAsync(body);

        Assert.Equal(4, created.GetProperty("allowedIps").GetArrayLength());
    }
}
