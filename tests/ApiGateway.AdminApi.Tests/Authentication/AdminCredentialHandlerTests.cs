using System.Net;
using System.Net.Http.Headers;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Authentication;

public sealed class AdminCredentialHandlerTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v1/keys")]
    [InlineData("/v1/audit")]
    [InlineData("/v1/admin-keys")]
    public async Task Request_NoCredential_Returns401WithRealm(string path)
    {
        using var client = factory.CreateClient(credential: null);

        using var response = await client.GetAsync(path, Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "Missing or invalid Authorization header");
        Assert.Equal("Bearer realm=\"admin\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Token abc")]
    public async Task Request_NotABearerCredential_Returns401WithoutError(string header)
    {
        using var client = factory.CreateClient(credential: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.SendAsync(request, Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "Missing or invalid Authorization header");
        Assert.Equal("Bearer realm=\"admin\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("agw_admin_wrongwrongwrongwrongwrongwrongwrongwrongwrong1")]
    [InlineData("nonsense")]
    public async Task Request_UnknownCredential_Returns401InvalidToken(string credential)
    {
        using var client = factory.CreateClient(credential);

        using var response = await client.GetAsync("/v1/keys", Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "Invalid admin credential");
        Assert.Equal("Bearer realm=\"admin\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer " + AdminApiFactory.OwnerCredential)]
    public async Task Request_TwoAuthorizationHeaders_Returns401InvalidToken(string first)
    {
        // One Bearer parser for both processes (keys/Http/BearerToken): two headers are a malformed credential, never
        // a guess at which one counts (the gateway's rule; the admin API used to join them into one value).
        using var client = factory.CreateClient(credential: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys");
        request.Headers.TryAddWithoutValidation("Authorization", [first, "Bearer " + AdminApiFactory.OwnerCredential]);

        using var response = await client.SendAsync(request, Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "Invalid admin credential");
        Assert.Equal("Bearer realm=\"admin\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Request_OversizedCredential_Returns401()
    {
        using var client = factory.CreateClient(new string('x', 5000));
        using var response = await client.GetAsync("/v1/keys", Ct);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "Invalid admin credential");
    }

    [Fact]
    public async Task Request_RevokedCredential_AnsweredLikeUnknown()
    {
        using var owner = factory.CreateOwnerClient();
        using var created = await owner.PostAsync("/v1/admin-keys", KeyRequests.Json(new { name = "short-lived", role = "admin" }), Ct);
        var admin = await ApiAssert.JsonAsync(created, HttpStatusCode.Created);
        using var adminClient = factory.CreateClient(admin.Str("key"));
        (await adminClient.GetAsync("/v1/keys", Ct)).EnsureSuccessStatusCode().Dispose();

        (await owner.DeleteAsync($"/v1/admin-keys/{admin.Str("id")}", Ct)).EnsureSuccessStatusCode().Dispose();

        using var revoked = await adminClient.GetAsync("/v1/keys", Ct);
        using var unknownClient = factory.CreateClient("agw_admin_wrongwrongwrongwrongwrongwrongwrongwrongwrong1");
        using var unknown = await unknownClient.GetAsync("/v1/keys", Ct);
        var revokedProblem = await ApiAssert.ProblemAsync(revoked, HttpStatusCode.Unauthorized, "Invalid admin credential");
        var unknownProblem = await ApiAssert.ProblemAsync(unknown, HttpStatusCode.Unauthorized, "Invalid admin credential");
        Assert.Equal(unknownProblem.Str("detail"), revokedProblem.Str("detail"));
        Assert.Equal(unknown.Headers.WwwAuthenticate.ToString(), revoked.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Request_SchemeCaseAndExtraWhitespace_Accepted()
    {
        using var client = factory.CreateClient(credential: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys");
        request.Headers.TryAddWithoutValidation("Authorization", $"  bEaReR \t {AdminApiFactory.OwnerCredential}  ");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminKeys_AdminRole_Returns403Problem()
    {
        using var owner = factory.CreateOwnerClient();
        using var created = await owner.PostAsync("/v1/admin-keys", KeyRequests.Json(new { name = "ops" }), Ct);
        var admin = await ApiAssert.JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal("admin", admin.Str("role"));
        using var adminClient = factory.CreateClient(admin.Str("key"));

        using var list = await adminClient.GetAsync("/v1/admin-keys", Ct);
        using var create = await adminClient.PostAsync("/v1/admin-keys", KeyRequests.Json(new { name = "escalate", role = "owner" }), Ct);
        using var keys = await adminClient.GetAsync("/v1/keys", Ct);

        await ApiAssert.ProblemAsync(list, HttpStatusCode.Forbidden, "Owner role required");
        await ApiAssert.ProblemAsync(create, HttpStatusCode.Forbidden, "Owner role required");
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
    }

    [Fact]
    public async Task Healthz_And_OpenApi_NeedNoCredential()
    {
        using var client = factory.CreateClient(credential: null);

        using var health = await client.GetAsync("/healthz", Ct);
        using var openApi = await client.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        var document = await openApi.Content.ReadAsStringAsync(Ct);
        Assert.Contains("/v1/keys/{id}/rotate", document, StringComparison.Ordinal);
        Assert.Contains("/v1/admin-keys", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_WithoutCredential_Returns401()
    {
        using var client = factory.CreateClient(credential: null);
        using var response = await client.GetAsync("/v2/whatever", Ct);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
