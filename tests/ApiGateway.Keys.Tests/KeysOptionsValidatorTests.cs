namespace ApiGateway.Keys.Tests;

public sealed class KeysOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new KeysOptionsValidator().Validate(null, new KeysOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadPrefixAndLimit_ListsBothNamingTheSettings()
    {
        var result = new KeysOptionsValidator().Validate(null, new KeysOptions { Prefix = "AGW!", MaxActivePerOwner = 0 });

        Assert.Equal(
            ["Keys:Prefix must be 1-20 characters of a-z and 0-9.", "Keys:MaxActivePerOwner must be between 1 and 100000 (was 0)."],
            result.Failures);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(100_000, true)]
    [InlineData(100_001, false)]
    public void Validate_MaxActivePerOwner_Bounds(int value, bool valid)
    {
        Assert.Equal(valid, new KeysOptionsValidator().Validate(null, new KeysOptions { MaxActivePerOwner = value }).Succeeded);
    }
}
