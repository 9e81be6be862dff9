using ApiGateway.Keys.Scopes;

namespace ApiGateway.Keys.Tests.Scopes;

public sealed class RouteScopePolicyTests
{
    [Theory]
    [InlineData("GET", "contacts:read")]
    [InlineData("head", "contacts:read")]
    [InlineData("OPTIONS", "contacts:read")]
    [InlineData("POST", "contacts:write")]
    [InlineData("DELETE", "contacts:write")]
    public void RequiredFor_Resource_ReadOrWriteByMethod(string method, string expected)
    {
        var policy = Parse(new() { ["Resource"] = "contacts" });

        Assert.Equal([expected], policy.RequiredFor(method));
    }

    [Fact]
    public void RequiredFor_ResourceCalledTwice_ReturnsTheSameList()
    {
        var policy = Parse(new() { ["Resource"] = "contacts" });

        // Built once at parse time: the per-request call must not allocate a new list.
        Assert.Same(policy.RequiredFor("GET"), policy.RequiredFor("GET"));
        Assert.Same(policy.RequiredFor("PUT"), policy.RequiredFor("PATCH"));
    }

    [Fact]
    public void RequiredFor_MethodOverride_WinsOverScopes()
    {
        var policy = Parse(new() { ["Scopes"] = "invoices:read", ["Scopes.POST"] = "invoices:write" });

        Assert.Equal(["invoices:write"], policy.RequiredFor("POST"));
        Assert.Equal(["invoices:read"], policy.RequiredFor("GET"));
    }

    [Fact]
    public void RequiredFor_MethodOverrideOnly_OtherMethodsRefused()
    {
        var policy = Parse(new() { ["Scopes.POST"] = "invoices:write" });

        Assert.Null(policy.RequiredFor("GET"));
    }

    private static RouteScopePolicy Parse(Dictionary<string, string> metadata)
    {
        var policy = RouteScopePolicy.Parse(metadata, out var problems);
        Assert.Empty(problems);
        return policy;
    }
}
