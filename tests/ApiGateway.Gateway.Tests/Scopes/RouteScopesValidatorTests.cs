using ApiGateway.Gateway.Scopes;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Tests.Scopes;

/// <summary>The routes-file checks YARP runs on every load: scope metadata, the <c>WebSockets</c> flag and <c>Cost</c>, named by route and field.</summary>
public sealed class RouteScopesValidatorTests
{
    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("")]
    public async Task ValidateAsync_WebSocketsNotABoolean_NamesRouteAndField(string value)
    {
        var errors = await ValidateAsync(new Dictionary<string, string> { ["Scopes"] = "ws:read", ["WebSockets"] = value });

        var error = Assert.Single(errors);
        Assert.Equal($"Route 'ws': Metadata 'WebSockets' must be 'true' or 'false', not '{value}'.", error.Message);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("False")]
    public async Task ValidateAsync_WebSocketsBoolean_IsAccepted(string value)
    {
        Assert.Empty(await ValidateAsync(new Dictionary<string, string> { ["Scopes"] = "ws:read", ["websockets"] = value }));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("2.5")]
    [InlineData("lots")]
    public async Task ValidateAsync_CostOutOfRange_NamesRouteAndField(string value)
    {
        var errors = await ValidateAsync(new Dictionary<string, string> { ["Scopes"] = "ws:read", ["Cost"] = value });

        var error = Assert.Single(errors);
        Assert.Equal($"Route 'ws': Metadata 'Cost' must be an integer from 1 to 1000, not '{value}'.", error.Message);
    }

    private static async Task<List<Exception>> ValidateAsync(Dictionary<string, string> metadata)
    {
        var errors = new List<Exception>();
        await new RouteScopesValidator(new RouteAccessTable()).ValidateAsync(new RouteConfig { RouteId = "ws", ClusterId = "c", Metadata = metadata }, errors);
        return errors;
    }
}
