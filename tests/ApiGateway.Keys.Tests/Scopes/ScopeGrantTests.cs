using ApiGateway.Keys.Scopes;

namespace ApiGateway.Keys.Tests.Scopes;

public sealed class ScopeGrantTests
{
    [Fact]
    public void Missing_AllCovered_Empty()
    {
        Assert.Empty(ScopeGrant.Missing(["contacts:read", "invoices:read"], ["contacts:read", "invoices:read"]));
    }

    [Fact]
    public void Missing_SomeUncovered_ListsThemInRouteOrder()
    {
        var missing = ScopeGrant.Missing(["contacts:read"], ["reports:read", "contacts:read", "invoices:write"]);

        Assert.Equal(["reports:read", "invoices:write"], missing);
    }

    [Theory]
    [InlineData("*", "contacts:write", true)]
    [InlineData("*:read", "contacts:read", true)]
    [InlineData("*:read", "contacts:write", false)]
    [InlineData("contacts:write", "contacts:read", false)]
    [InlineData("CONTACTS:READ", "contacts:read", false)]
    public void Covers_Wildcards_ExactOtherwise(string granted, string required, bool expected)
    {
        Assert.Equal(expected, ScopeGrant.Covers([granted], required));
    }
}
