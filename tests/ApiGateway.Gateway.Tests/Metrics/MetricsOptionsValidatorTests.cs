using ApiGateway.Gateway.Metrics;

namespace ApiGateway.Gateway.Tests.Metrics;

public sealed class MetricsOptionsValidatorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100_001)]
    public void Validate_MaxKeyLabelsOutOfRange_Fails(int max)
    {
        var result = new MetricsOptionsValidator().Validate(null, new MetricsOptions { MaxKeyLabels = max });

        Assert.True(result.Failed);
        Assert.Contains(nameof(MetricsOptions.MaxKeyLabels), result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Default_Succeeds() => Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions()).Succeeded);
}
