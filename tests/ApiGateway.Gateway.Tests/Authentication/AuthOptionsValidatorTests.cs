using ApiGateway.Gateway.Authentication;

namespace ApiGateway.Gateway.Tests.Authentication;

public sealed class AuthOptionsValidatorTests
{
    [Theory]
    [InlineData(nameof(AuthOptions.MaxCacheAgeSeconds), 0)]
    [InlineData(nameof(AuthOptions.MaxCacheAgeSeconds), 86_401)]
    [InlineData(nameof(AuthOptions.StaleSeconds), 0)]
    [InlineData(nameof(AuthOptions.PollIntervalMilliseconds), 1_001)]
    [InlineData(nameof(AuthOptions.NegativeCacheSize), -1)]
    public void Validate_OutOfRange_FailsNamingTheSetting(string setting, int value)
    {
        var options = new AuthOptions();
        typeof(AuthOptions).GetProperty(setting)!.SetValue(options, value);

        var result = new AuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var options = new AuthOptions();

        Assert.True(new AuthOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(60, options.MaxCacheAgeSeconds);
    }
}
