using ApiGateway.Gateway.Hosting;

namespace ApiGateway.Gateway.Tests.Hosting;

public sealed class ConnectionLimitsOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new ConnectionLimitsOptionsValidator().Validate(null, new ConnectionLimitsOptions()).Succeeded);
    }

    [Fact]
    public void Validate_EveryProblem_ListedAtOnce()
    {
        var options = new ConnectionLimitsOptions
        {
            MaxConcurrentConnections = 0,
            MaxConcurrentUpgradedConnections = -1,
            RequestHeadersTimeoutSeconds = 0,
            MinRequestBodyBytesPerSecond = double.NaN,
        };
        var failures = new ConnectionLimitsOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("Gateway:MaxConcurrentConnections", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Gateway:MaxConcurrentUpgradedConnections", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Gateway:RequestHeadersTimeoutSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Gateway:MinRequestBodyBytesPerSecond", StringComparison.Ordinal));
        Assert.Equal(4, failures.Count);
    }

    [Fact]
    public void Validate_ZeroBodyRate_TurnsTheCheckOff()
    {
        Assert.True(new ConnectionLimitsOptionsValidator().Validate(null, new ConnectionLimitsOptions { MinRequestBodyBytesPerSecond = 0 }).Succeeded);
    }
}
