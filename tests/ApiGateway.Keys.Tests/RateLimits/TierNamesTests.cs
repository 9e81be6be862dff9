using ApiGateway.Keys.RateLimits;

namespace ApiGateway.Keys.Tests.RateLimits;

public sealed class TierNamesTests
{
    [Theory]
    [InlineData("free")]
    [InlineData("Pro-2.eu_west")]
    [InlineData("a")]
    public void IsValid_SafeAlphabet_True(string name) => Assert.True(TierNames.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("quote\"")]
    [InlineData("semi;colon")]
    [InlineData("é")]
    public void IsValid_OutsideTheAlphabet_False(string name) => Assert.False(TierNames.IsValid(name));

    [Fact]
    public void IsValid_LongerThan64_False()
    {
        Assert.True(TierNames.IsValid(new string('a', 64)));
        Assert.False(TierNames.IsValid(new string('a', 65)));
    }

    [Theory]
    [InlineData("key")]
    [InlineData("Daily")]
    [InlineData("MONTHLY")]
    [InlineData("workspace")]
    [InlineData("Workspace-Daily")]
    [InlineData("workspace-monthly")]
    public void IsReserved_HeaderItemNamesInAnyCase_True(string name) => Assert.True(TierNames.IsReserved(name));

    [Fact]
    public void IsReserved_OrdinaryName_False() => Assert.False(TierNames.IsReserved("keys"));
}
