using System.Net;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>The shipped config/routes.json loads: every route passes scope validation.</summary>
public sealed class SampleRoutesFileTests
{
    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ApiGateway.sln")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }
        throw new InvalidOperationException("Repository root not found.");
    }

    [Fact]
    public async Task Start_SampleRoutesFile_LoadsAndDeniesByDefault()
    {
        await using var factory = new GatewayFactory();
        await factory.InitializeAsync();
        factory.WriteRoutes(await File.ReadAllTextAsync(RepositoryFile("config/routes.json"), TestContext.Current.CancellationToken));
        using var client = factory.CreateKeyClient(null);
        using var response = await client.GetAsync("/v1/contacts", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
