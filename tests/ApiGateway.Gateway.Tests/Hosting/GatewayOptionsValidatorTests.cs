using ApiGateway.Gateway.Hosting;

namespace ApiGateway.Gateway.Tests.Hosting;

public sealed class GatewayOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new GatewayOptionsValidator(new PublicUrls(["http://0.0.0.0:8080"])).Validate(null, new GatewayOptions());
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_EveryProblem_ListedAtOnce()
    {
        var options = new GatewayOptions
        {
            InternalUrl = "http://127.0.0.1:8080",
            WorkspaceHeader = "X Workspace",
            TrustedProxies = ["10.0.0.0/8", "not-an-ip", "10.0.0.0/99"],
        };
        var result = new GatewayOptionsValidator(new PublicUrls(["http://0.0.0.0:8080"])).Validate(null, options);
        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("Gateway:InternalUrl port 8080", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Gateway:WorkspaceHeader", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'not-an-ip'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'10.0.0.0/99'", StringComparison.Ordinal));
        Assert.Equal(4, failures.Count); // Gateway:RoutesFile: keys/Routes/RoutesFileOptionsValidator
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1:9091")]
    [InlineData("http://127.0.0.1:0")]
    public void Validate_BadInternalUrl_Fails(string url)
    {
        var result = new GatewayOptionsValidator(new PublicUrls(["http://0.0.0.0:8080"])).Validate(null, new GatewayOptions { InternalUrl = url });
        Assert.Contains(result.Failures!, f => f.Contains("Gateway:InternalUrl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a url", "must be an absolute http(s) URL")]
    [InlineData("ftp://127.0.0.1:9092", "must be an absolute http(s) URL")]
    [InlineData("http://127.0.0.1:0", "needs a fixed port")]
    [InlineData("http://127.0.0.1:9091", "also Gateway:InternalUrl's")]
    [InlineData("http://127.0.0.1:8080", "also a public URL")]
    public void Validate_BadForwardAuthUrl_Fails(string url, string expected)
    {
        var options = new GatewayOptions { ForwardAuthUrl = url };
        var result = new GatewayOptionsValidator(new PublicUrls(["http://0.0.0.0:8080"])).Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("http://127.0.0.1:9092")]
    public void Validate_ForwardAuthUrlUnsetOrDistinct_Succeeds(string? url)
    {
        var options = new GatewayOptions { ForwardAuthUrl = url };
        Assert.True(new GatewayOptionsValidator(new PublicUrls(["http://0.0.0.0:8080"])).Validate(null, options).Succeeded);
    }
}
