using ApiGateway.Gateway.Proxy;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Tests.Proxy;

public sealed class ClusterBreakerValidatorTests
{
    private static async Task<List<Exception>> ValidateAsync(string? failureStatuses)
    {
        var cluster = new ClusterConfig
        {
            ClusterId = "billing",
            Metadata = failureStatuses is null ? null : new Dictionary<string, string> { [UpstreamHealth.FailureStatusesKey] = failureStatuses },
        };
        var errors = new List<Exception>();
        await new ClusterBreakerValidator().ValidateAsync(cluster, errors);
        return errors;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("502, 503,504")]
    public async Task ValidateAsync_NoneOr5xxStatuses_NoError(string? statuses)
    {
        Assert.Empty(await ValidateAsync(statuses));
    }

    [Fact]
    public async Task ValidateAsync_BadStatuses_OneErrorEachNamingClusterAndField()
    {
        var errors = await ValidateAsync("502, 404, soon");

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e =>
        {
            Assert.IsType<ArgumentException>(e);
            Assert.StartsWith("Cluster 'billing': ", e.Message, StringComparison.Ordinal);
            Assert.Contains("CircuitBreaker.FailureStatuses", e.Message, StringComparison.Ordinal);
        });
    }
}
