using System.Net;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Problems;

public sealed class ProblemsExtensionsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _client = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v2/keys")]
    [InlineData("/v1/keys/key_x/whatever")]
    public async Task UnknownPath_Returns404Problem(string path)
    {
        using var response = await _client.GetAsync(path, Ct);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "Not found");
    }

    [Fact]
    public async Task WrongMethod_Returns405Problem()
    {
        using var response = await _client.PutAsync("/v1/keys", KeyRequests.Json(new { }), Ct);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "Method not allowed");
    }
}
