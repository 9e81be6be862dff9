using System.Net;
using System.Text;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Problems;

/// <summary>Bodies the framework cannot bind are 4xx problems naming what was wrong, never a 500 or an empty 400.</summary>
public sealed class BadRequestExceptionHandlerTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _client = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{ "name": "x", "bogus": 1 }""", "bogus")]
    [InlineData("""{ "name": "x", "Scope": ["contacts:read"] }""", "Scope")]
    [InlineData("""{ "name": "x", "rateLimit": { "limit": 1, "periodSeconds": 1, "burst": 2 } }""", "rateLimit.burst")]
    public async Task Create_UnknownField_Returns400NamingIt(string json, string field)
    {
        using var response = await _client.PostRawAsync("/v1/keys", json);

        var messages = await ApiAssert.ValidationErrorAsync(response, field);
        Assert.Contains("Unknown field", messages[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "name": 5 }""", "name")]
    [InlineData("""{ "scopes": "contacts:read" }""", "scopes")]
    [InlineData("""{ "expiresInDays": "ten" }""", "expiresInDays")]
    [InlineData("""{ "expiresInDays": 1.5 }""", "expiresInDays")]
    [InlineData("""{ "rateLimit": { "limit": "100" } }""", "rateLimit.limit")]
    [InlineData("""{ "rateLimit": { "limit": 99999999999 } }""", "rateLimit.limit")]
    [InlineData("""{ "quota": { "daily": true } }""", "quota.daily")]
    [InlineData("""{ "expiresAt": "next week" }""", "expiresAt")]
    [InlineData("""{ "rateLimit": [] }""", "rateLimit")]
    public async Task Create_WrongJsonType_Returns400NamingField(string json, string field)
    {
        using var response = await _client.PostRawAsync("/v1/keys", json);
        await ApiAssert.ValidationErrorAsync(response, field);
    }

    [Theory]
    [InlineData("{ \"name\": ")]
    [InlineData("{ \"name\": \"x\", }")]
    [InlineData("not json")]
    [InlineData("[]")]
    public async Task Create_MalformedJson_Returns400Problem(string json)
    {
        using var response = await _client.PostRawAsync("/v1/keys", json);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    public async Task Create_NoBody_Returns400Problem(string json)
    {
        using var response = await _client.PostRawAsync("/v1/keys", json);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/v1/keys?limit=abc", "limit")]
    [InlineData("/v1/keys?offset=1.5", "offset")]
    [InlineData("/v1/keys?limit=99999999999", "limit")]
    [InlineData("/v1/audit?limit=ten", "limit")]
    [InlineData("/v1/admin-keys?offset=x", "offset")]
    public async Task List_UnparsableNumberInQuery_Returns400NamingParameterNotDotNetType(string url, string field)
    {
        using var response = await _client.GetAsync(url, Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        var messages = await ApiAssert.ValidationErrorAsync(response, field);
        Assert.Equal($"{field} must be a whole number.", Assert.Single(messages));
        Assert.DoesNotMatch(@"\b(int|long|Int32|Int64|Nullable)\b", body);
    }

    [Fact]
    public async Task Create_NotJsonContentType_Returns415Problem()
    {
        using var response = await _client.PostAsync("/v1/keys", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "Unsupported media type");
    }

    [Fact]
    public async Task Patch_MalformedJson_Returns400AndChangesNothing()
    {
        var created = await _client.MintAsync();

        using var response = await _client.PatchJsonAsync($"/v1/keys/{created.Str("id")}", """{ "name": "half", "scopes": [1] }""");

        await ApiAssert.ValidationErrorAsync(response, "scopes[0]");
        var after = await _client.GetJsonAsync($"/v1/keys/{created.Str("id")}");
        Assert.Equal(created.Str("name"), after.Str("name"));
    }
}
