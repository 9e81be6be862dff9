using ApiGateway.Keys.Scopes;

namespace ApiGateway.Keys.Tests.Scopes;

public sealed class ScopeGrammarTests
{
    [Theory]
    [InlineData("contacts:read", true)]
    [InlineData("a:b", true)]
    [InlineData("user_files2:bulk_write", true)]
    [InlineData("0:9", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData(":", false)]
    [InlineData("contacts:", false)]
    [InlineData(":read", false)]
    [InlineData("contacts", false)]
    [InlineData("contacts:read:x", false)]
    [InlineData("Contacts:read", false)]
    [InlineData("contacts:READ", false)]
    [InlineData("contacts-x:read", false)]
    [InlineData("contacts :read", false)]
    [InlineData("*", false)]
    [InlineData("*:read", false)]
    [InlineData("contacts:*", false)]
    [InlineData("kontakty:čtení", false)]
    public void IsConcrete_Text_FollowsGrammar(string? scope, bool expected)
    {
        Assert.Equal(expected, ScopeGrammar.IsConcrete(scope));
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("*:read", true)]
    [InlineData("*:write", false)]
    [InlineData("contacts:*", false)]
    [InlineData("**", false)]
    [InlineData(null, false)]
    public void IsWildcard_Text_OnlyTheTwoKeyWildcards(string? scope, bool expected)
    {
        Assert.Equal(expected, ScopeGrammar.IsWildcard(scope));
    }
}
