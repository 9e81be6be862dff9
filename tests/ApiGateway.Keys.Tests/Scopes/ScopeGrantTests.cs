using ApiGateway.Keys.Scopes;

namespace ApiGateway.Keys.Tests.Scopes;

public sealed class ScopeGrantTests
{
    [Theory]
    [InlineData("contacts:read", "contacts:read", true)]
    [InlineData("contacts:write", "contacts:write", true)]
    [InlineData("contacts:write", "contacts:read", false)]
    [InlineData("contacts:read", "contacts:write", false)]
    [InlineData("*", "contacts:read", true)]
    [InlineData("*", "contacts:write", true)]
    [InlineData("*", "billing:delete", true)]
    [InlineData("*:read", "contacts:read", true)]
    [InlineData("*:read", "billing:read", true)]
    [InlineData("*:read", "contacts:write", false)]
    [InlineData("*:read", "contacts:delete", false)]
    [InlineData("*:read", "contacts:reader", false)]
    [InlineData("CONTACTS:READ", "contacts:read", false)]
    [InlineData("contacts:Read", "contacts:read", false)]
    [InlineData("contacts:*", "contacts:read", false)]
    [InlineData("*:write", "contacts:write", false)]
    [InlineData("contacts", "contacts:read", false)]
    [InlineData("", "contacts:read", false)]
    public void Covers_SingleGrant_MatchesContract(string granted, string required, bool expected)
    {
        Assert.Equal(expected, ScopeGrant.Covers([granted], required));
    }

    [Fact]
    public void Missing_AllCovered_Empty()
    {
        Assert.Empty(ScopeGrant.Missing(["contacts:read", "invoices:read"], ["contacts:read", "invoices:read"]));
    }

    [Fact]
    public void Covers_NoGrants_False()
    {
        Assert.False(ScopeGrant.Covers([], "contacts:read"));
    }

    [Fact]
    public void Missing_SomeNotCovered_ListsThemInRouteOrder()
    {
        Assert.Equal(["billing:read", "audit:write"], ScopeGrant.Missing(["contacts:read", "reports:read"], ["billing:read", "contacts:read", "audit:write"]));
        Assert.Equal(["audit:write"], ScopeGrant.Missing(["*:read"], ["billing:read", "contacts:read", "audit:write"]));
        Assert.Empty(ScopeGrant.Missing(["*"], ["billing:read", "audit:write"]));
        Assert.Empty(ScopeGrant.Missing(["a:b"], []));
    }
}
