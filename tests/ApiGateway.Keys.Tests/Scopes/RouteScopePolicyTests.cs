using ApiGateway.Keys.Scopes;

namespace ApiGateway.Keys.Tests.Scopes;

public sealed class RouteScopePolicyTests
{
    [Theory]
    [InlineData("GET", "contacts:read")]
    [InlineData("HEAD", "contacts:read")]
    [InlineData("OPTIONS", "contacts:read")]
    [InlineData("get", "contacts:read")]
    [InlineData("POST", "contacts:write")]
    [InlineData("PUT", "contacts:write")]
    [InlineData("PATCH", "contacts:write")]
    [InlineData("DELETE", "contacts:write")]
    [InlineData("TRACE", "contacts:write")]
    [InlineData("PROPFIND", "contacts:write")]
    public void RequiredFor_Resource_ReadMethodsReadOthersWrite(string method, string scope)
    {
        var policy = Parse(new() { ["Resource"] = "contacts" });

        Assert.Equal([scope], policy.RequiredFor(method));
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
    public void RequiredFor_ResourceWithMethodOverride_OverrideWinsForThatMethodOnly()
    {
        var policy = Parse(new() { ["Resource"] = "contacts", ["Scopes.DELETE"] = "contacts:admin", ["Scopes.get"] = "contacts:list" });

        Assert.Equal(["contacts:admin"], policy.RequiredFor("DELETE"));
        Assert.Equal(["contacts:admin"], policy.RequiredFor("delete"));
        Assert.Equal(["contacts:list"], policy.RequiredFor("GET"));
        Assert.Equal(["contacts:read"], policy.RequiredFor("HEAD"));
        Assert.Equal(["contacts:write"], policy.RequiredFor("POST"));
    }

    [Fact]
    public void RequiredFor_Scopes_EveryMethodNeedsAllListed()
    {
        var policy = Parse(new() { ["Scopes"] = " reports:read , billing:read,reports:read" });

        Assert.Equal(["reports:read", "billing:read", "reports:read"], policy.RequiredFor("GET"));
        Assert.Equal(["reports:read", "billing:read", "reports:read"], policy.RequiredFor("POST"));
    }

    [Fact]
    public void RequiredFor_ScopesWithMethodOverride_OverrideReplacesNotAdds()
    {
        var policy = Parse(new() { ["Scopes"] = "invoices:read", ["Scopes.POST"] = "invoices:write", ["Scopes.DELETE"] = "invoices:delete" });

        Assert.Equal(["invoices:read"], policy.RequiredFor("GET"));
        Assert.Equal(["invoices:read"], policy.RequiredFor("PUT"));
        Assert.Equal(["invoices:write"], policy.RequiredFor("POST"));
        Assert.Equal(["invoices:delete"], policy.RequiredFor("DELETE"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    [InlineData("DELETE")]
    public void RequiredFor_OnlyMethodScopes_UnmappedMethodIsNull(string method)
    {
        var policy = Parse(new() { ["Scopes.POST"] = "webhooks:write" });

        Assert.Equal(["webhooks:write"], policy.RequiredFor("POST"));
        Assert.Null(policy.RequiredFor(method));
    }

    [Fact]
    public void Parse_Public_NoScopesNeeded()
    {
        var policy = Parse(new() { ["Public"] = "true" });

        Assert.True(policy.IsPublic);
        Assert.Null(policy.RequiredFor("GET"));
        Assert.Empty(policy.MentionedScopes);
    }

    [Theory]
    [InlineData("True")]
    [InlineData("TRUE")]
    public void Parse_PublicAnyCase_IsPublic(string value)
    {
        Assert.True(Parse(new() { ["public"] = value }).IsPublic);
    }

    [Fact]
    public void Parse_KeysAnyCase_Recognised()
    {
        var policy = Parse(new() { ["resource"] = "contacts", ["liveonly"] = "true", ["testcluster"] = "sandbox" });

        Assert.Equal(["contacts:read"], policy.RequiredFor("GET"));
        Assert.True(policy.LiveOnly);
        Assert.Equal("sandbox", policy.TestCluster);
    }

    [Fact]
    public void Parse_LiveOnlyAndTestCluster_Read()
    {
        var plain = Parse(new() { ["Resource"] = "payments" });
        var special = Parse(new() { ["Resource"] = "payments", ["LiveOnly"] = "true", ["TestCluster"] = "sandbox" });

        Assert.False(plain.LiveOnly);
        Assert.Null(plain.TestCluster);
        Assert.True(special.LiveOnly);
        Assert.Equal("sandbox", special.TestCluster);
    }

    [Fact]
    public void MentionedScopes_AllSources_DistinctUnion()
    {
        var policy = Parse(new() { ["Resource"] = "contacts", ["Scopes.DELETE"] = "contacts:admin,contacts:write" });

        Assert.Equal(new HashSet<string> { "contacts:read", "contacts:write", "contacts:admin" }, policy.MentionedScopes.ToHashSet());
        Assert.Equal(3, policy.MentionedScopes.Count());
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_InvalidMetadata_NamesTheProblem(Dictionary<string, string> metadata, string expected)
    {
        RouteScopePolicy.Parse(metadata, out var problems);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    public static TheoryData<Dictionary<string, string>, string> Invalid() => new()
    {
        { new(), "routes deny by default" },
        { new() { ["Public"] = "false" }, "routes deny by default" },
        { new() { ["LiveOnly"] = "true" }, "routes deny by default" },
        { new() { ["Public"] = "yes" }, "'Public' must be 'true' or 'false', not 'yes'" },
        { new() { ["Resource"] = "a", ["LiveOnly"] = "1" }, "'LiveOnly' must be 'true' or 'false'" },
        { new() { ["Resource"] = "a", ["TestCluster"] = "" }, "'TestCluster' must name a cluster" },
        { new() { ["Resource"] = "a", ["TestCluster"] = "  " }, "'TestCluster' must name a cluster" },
        { new() { ["Resource"] = "Contacts" }, "'Resource' must be a lowercase resource name" },
        { new() { ["Resource"] = "contacts:read" }, "'Resource' must be a lowercase resource name" },
        { new() { ["Resource"] = "" }, "'Resource' must be a lowercase resource name" },
        { new() { ["Resource"] = "contacts", ["Scopes"] = "contacts:read" }, "cannot be combined" },
        { new() { ["Scopes."] = "a:b" }, "'Scopes.' does not name an HTTP method" },
        { new() { ["Scopes.G3T"] = "a:b" }, "'Scopes.G3T' does not name an HTTP method" },
        { new() { ["Scopes.GET POST"] = "a:b" }, "does not name an HTTP method" },
        { new() { ["Scopes"] = "" }, "'Scopes' lists no scope" },
        { new() { ["Scopes"] = " , " }, "'Scopes' lists no scope" },
        { new() { ["Scopes.POST"] = "" }, "'Scopes.POST' lists no scope" },
        { new() { ["Scopes"] = "contacts:*" }, "'contacts:*', which is not a lowercase 'resource:action' scope" },
        { new() { ["Scopes"] = "*" }, "'*', which is not" },
        { new() { ["Scopes"] = "*:read" }, "'*:read', which is not" },
        { new() { ["Scopes"] = "CONTACTS:READ" }, "'CONTACTS:READ', which is not" },
        { new() { ["Scopes"] = "contacts" }, "'contacts', which is not" },
        { new() { ["Scopes"] = "contacts:read:all" }, "'contacts:read:all', which is not" },
        { new() { ["Scopes"] = "contacts read" }, "'contacts read', which is not" },
        { new() { ["Scopes.PUT"] = "ok:write,Bad:write" }, "'Bad:write', which is not" },
        { new() { ["Public"] = "true", ["Resource"] = "contacts" }, "'Public' cannot be combined" },
        { new() { ["Public"] = "true", ["Scopes"] = "a:b" }, "'Public' cannot be combined" },
        { new() { ["Public"] = "true", ["Scopes.GET"] = "a:b" }, "'Public' cannot be combined" },
        { new() { ["Resource"] = "a", ["Cost"] = "0" }, "'Cost' must be an integer from 1 to 1000, not '0'" },
        { new() { ["Resource"] = "a", ["Cost"] = "1001" }, "'Cost' must be an integer from 1 to 1000, not '1001'" },
        { new() { ["Resource"] = "a", ["Cost"] = "-1" }, "'Cost' must be an integer from 1 to 1000, not '-1'" },
        { new() { ["Resource"] = "a", ["Cost"] = "+5" }, "'Cost' must be an integer from 1 to 1000, not '+5'" },
        { new() { ["Resource"] = "a", ["Cost"] = " 5" }, "'Cost' must be an integer from 1 to 1000, not ' 5'" },
        { new() { ["Resource"] = "a", ["Cost"] = "5.0" }, "'Cost' must be an integer from 1 to 1000, not '5.0'" },
        { new() { ["Resource"] = "a", ["Cost"] = "1e2" }, "'Cost' must be an integer from 1 to 1000, not '1e2'" },
        { new() { ["Resource"] = "a", ["Cost"] = "0x10" }, "'Cost' must be an integer from 1 to 1000, not '0x10'" },
        { new() { ["Resource"] = "a", ["Cost"] = "99999999999" }, "'Cost' must be an integer from 1 to 1000, not '99999999999'" },
        { new() { ["Resource"] = "a", ["Cost"] = "five" }, "'Cost' must be an integer from 1 to 1000, not 'five'" },
        { new() { ["Resource"] = "a", ["Cost"] = "" }, "'Cost' must be an integer from 1 to 1000, not ''" },
        { new() { ["Resource"] = "a", ["Cost"] = "٥" }, "'Cost' must be an integer from 1 to 1000" },
    };

    [Theory]
    [InlineData("1", 1)]
    [InlineData("5", 5)]
    [InlineData("1000", 1000)]
    public void Parse_Cost_IsTheRoutesUnitsPerRequest(string text, int expected)
    {
        Assert.Equal(expected, Parse(new() { ["Resource"] = "search", ["cost"] = text }).Cost);
    }

    [Fact]
    public void Parse_NoCost_CostsOne()
    {
        Assert.Equal(1, Parse(new() { ["Resource"] = "search" }).Cost);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        RouteScopePolicy.Parse(new Dictionary<string, string> { ["Public"] = "maybe", ["LiveOnly"] = "nope", ["Scopes.X1"] = "a:b", ["Resource"] = "Bad" }, out var problems);

        Assert.True(problems.Count >= 4, string.Join("\n", problems));
    }

    [Fact]
    public void Parse_NullMetadata_DeniesByDefault()
    {
        RouteScopePolicy.Parse(null, out var problems);

        Assert.Single(problems);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ValidMetadata_NoProblems(Dictionary<string, string> metadata)
    {
        RouteScopePolicy.Parse(metadata, out var problems);

        Assert.Empty(problems);
    }

    public static TheoryData<Dictionary<string, string>> Valid() => new()
    {
        new Dictionary<string, string> { ["Resource"] = "contacts" },
        new Dictionary<string, string> { ["Resource"] = "user_files2" },
        new Dictionary<string, string> { ["Scopes"] = "a:b,c_d:e_f" },
        new Dictionary<string, string> { ["Scopes.POST"] = "a:b" },
        new Dictionary<string, string> { ["Public"] = "true" },
        new Dictionary<string, string> { ["Public"] = "false", ["Resource"] = "x" },
        new Dictionary<string, string> { ["Resource"] = "x", ["LiveOnly"] = "false", ["TestCluster"] = "sandbox", ["Other"] = "ignored" },
    };

    private static RouteScopePolicy Parse(Dictionary<string, string> metadata)
    {
        var policy = RouteScopePolicy.Parse(metadata, out var problems);
        Assert.Empty(problems);
        return policy;
    }
}
