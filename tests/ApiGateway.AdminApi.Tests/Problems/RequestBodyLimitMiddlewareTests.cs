using System.Net;
using System.Text;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Problems;

public sealed class RequestBodyLimitMiddlewareTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _client = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_BodyOver64KB_Returns413ProblemAndStoresNothing()
    {
        var json = $$"""{ "name": "{{new string('a', 70 * 1024)}}", "workspaceId": "ws_1", "scopes": ["contacts:read"] }""";
        var before = await _client.GetJsonAsync("/v1/keys?limit=1");

        using var response = await _client.PostAsync("/v1/keys", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Request body too large");
        Assert.Contains("64 KB", problem.Str("detail"), StringComparison.Ordinal);
        var after = await _client.GetJsonAsync("/v1/keys?limit=1");
        Assert.Equal(before.GetProperty("total").GetInt32(), after.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Create_BodyJustUnderLimit_IsRead()
    {
        // Valid JSON just under 64 KB: read and validated (the name is too long), not refused for size.
        var json = $$"""{ "name": "{{new string('a', 60 * 1024)}}", "workspaceId": "ws_1", "scopes": ["contacts:read"] }""";

        using var response = await _client.PostAsync("/v1/keys", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await ApiAssert.ValidationErrorAsync(response, "name");
    }

    [Fact]
    public async Task Create_ChunkedBodyOver64KBOnKestrel_Returns413Problem()
    {
        // No Content-Length: only the server's own body limit can stop it, so this runs on real Kestrel.
        await using var kestrel = new AdminApiFactory().With("Urls", "http://127.0.0.1:0");
        kestrel.UseKestrel(0);
        kestrel.StartServer();
        using var client = kestrel.CreateOwnerClient();
        var json = Encoding.UTF8.GetBytes($$"""{ "name": "{{new string('a', 70 * 1024)}}" }""");
        using var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/keys") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request, Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Request body too large");
    }
}
