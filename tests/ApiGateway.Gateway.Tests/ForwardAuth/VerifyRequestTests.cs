using System.Net;
using System.Text;
using ApiGateway.Gateway.ForwardAuth;

namespace ApiGateway.Gateway.Tests.ForwardAuth;

public sealed class VerifyRequestTests
{
    private static VerifyRequest? Parse(string json, out string? error) => VerifyRequest.TryParse(Encoding.UTF8.GetBytes(json), out error);

    [Fact]
    public void TryParse_OnlyKey_DefaultsForTheRest()
    {
        var request = Parse("""{"key":"agw_live_x"}""", out var error);

        Assert.Null(error);
        Assert.Equal(("agw_live_x", 1, (string?)null, (IPAddress?)null), (request!.Key, request.Cost, request.WorkspaceId, request.Ip));
        Assert.Empty(request.Scopes);
    }

    [Fact]
    public void TryParse_EveryField_Read()
    {
        var request = Parse("""{"key":"k","scopes":["contacts:read","invoices:write"],"workspaceId":"ws_1","cost":1000,"ip":"2001:db8::1","other":true}""", out var error);

        Assert.Null(error);
        Assert.Equal(["contacts:read", "invoices:write"], request!.Scopes);
        Assert.Equal(("k", "ws_1", 1000, IPAddress.Parse("2001:db8::1")), (request.Key, request.WorkspaceId, request.Cost, request.Ip));
    }

    [Fact]
    public void TryParse_NullOptionalFields_AsIfAbsent()
    {
        var request = Parse("""{"key":"k","scopes":null,"workspaceId":null,"cost":null,"ip":null}""", out var error);

        Assert.Null(error);
        Assert.Equal((1, (string?)null, (IPAddress?)null), (request!.Cost, request.WorkspaceId, request.Ip));
    }

    [Theory]
    [InlineData("not json", "The body is not JSON.")]
    [InlineData("[]", "The body must be a JSON object.")]
    [InlineData("""{"scopes":[]}""", "'key' must be a string.")]
    [InlineData("""{"key":7}""", "'key' must be a string.")]
    [InlineData("""{"key":"a","key":"b"}""", "'key' appears more than once.")]
    [InlineData("""{"key":"a","cost":1,"cost":2}""", "'cost' appears more than once.")]
    [InlineData("""{"key":"a","scopes":"contacts:read"}""", "'scopes' must be an array of scopes.")]
    [InlineData("""{"key":"a","scopes":["*"]}""", "'scopes' must hold lowercase 'resource:action' scopes.")]
    [InlineData("""{"key":"a","scopes":["Contacts:Read"]}""", "'scopes' must hold lowercase 'resource:action' scopes.")]
    [InlineData("""{"key":"a","scopes":[1]}""", "'scopes' must hold lowercase 'resource:action' scopes.")]
    [InlineData("""{"key":"a","workspaceId":""}""", "'workspaceId' must be a non-empty string.")]
    [InlineData("""{"key":"a","workspaceId":5}""", "'workspaceId' must be a non-empty string.")]
    [InlineData("""{"key":"a","cost":0}""", "'cost' must be an integer from 1 to 1000.")]
    [InlineData("""{"key":"a","cost":1001}""", "'cost' must be an integer from 1 to 1000.")]
    [InlineData("""{"key":"a","cost":1.5}""", "'cost' must be an integer from 1 to 1000.")]
    [InlineData("""{"key":"a","cost":"2"}""", "'cost' must be an integer from 1 to 1000.")]
    [InlineData("""{"key":"a","ip":"10.0.0.999"}""", "'ip' must be an IPv4 or IPv6 address.")]
    [InlineData("""{"key":"a","ip":167772161}""", "'ip' must be an IPv4 or IPv6 address.")]
    public void TryParse_BadShape_NullWithTheFieldNamed(string json, string message)
    {
        Assert.Null(Parse(json, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void TryParse_DeeperThanEightLevels_NotJsonInsteadOfThrowing()
    {
        var deep = """{"key":"a","x":""" + new string('[', 20) + new string(']', 20) + "}";

        Assert.Null(Parse(deep, out var error));
        Assert.Equal("The body is not JSON.", error);
    }

    [Fact]
    public void TryParse_BadKey_ErrorNeverEchoesIt()
    {
        Parse("""{"key":"agw_live_secret","key":"agw_live_secret2"}""", out var error);

        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }
}
