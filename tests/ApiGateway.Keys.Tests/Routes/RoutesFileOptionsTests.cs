using ApiGateway.Keys.Routes;
using Microsoft.Extensions.Configuration;

namespace ApiGateway.Keys.Tests.Routes;

public sealed class RoutesFileOptionsTests
{
    [Fact]
    public void From_NotConfigured_IsTheShippedPath()
    {
        Assert.Equal("config/routes.json", RoutesFileOptions.From(new ConfigurationBuilder().Build()));
    }

    [Fact]
    public void From_Configured_IsThatPath()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:RoutesFile"] = "/etc/agw/routes.json" }).Build();

        Assert.Equal("/etc/agw/routes.json", RoutesFileOptions.From(configuration));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_Blank_FailsNamingTheSetting(string path)
    {
        var result = new RoutesFileOptionsValidator().Validate(null, new RoutesFileOptions { RoutesFile = path });

        Assert.Equal(["Gateway:RoutesFile must name the routes file."], result.Failures);
    }

    [Fact]
    public void Validate_Default_Succeeds()
    {
        Assert.True(new RoutesFileOptionsValidator().Validate(null, new RoutesFileOptions()).Succeeded);
    }
}
