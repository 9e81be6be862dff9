using ApiGateway.Gateway.WebSockets;

namespace ApiGateway.Gateway.Tests.WebSockets;

public sealed class RouteWebSocketsTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("false", false)]
    public void Allowed_BooleanValue_ThatValueWithoutError(string value, bool expected)
    {
        var errors = new List<string>();

        Assert.Equal(expected, RouteWebSockets.Allowed(new Dictionary<string, string> { ["websockets"] = value }, errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Allowed_NoMetadataOrNoKey_FalseWithoutError()
    {
        var errors = new List<string>();

        Assert.False(RouteWebSockets.Allowed(null, errors));
        Assert.False(RouteWebSockets.Allowed(new Dictionary<string, string> { ["Scopes"] = "chat:read" }, errors));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("")]
    public void Allowed_AnyOtherValue_FalseAndAnErrorNamingIt(string value)
    {
        var errors = new List<string>();

        Assert.False(RouteWebSockets.Allowed(new Dictionary<string, string> { ["WebSockets"] = value }, errors));
        Assert.Equal($"Metadata 'WebSockets' must be 'true' or 'false', not '{value}'.", Assert.Single(errors));
    }

    [Fact]
    public void Allowed_NoErrorList_StillFalseForABadValue()
    {
        Assert.False(RouteWebSockets.Allowed(new Dictionary<string, string> { ["WebSockets"] = "maybe" }));
    }
}
