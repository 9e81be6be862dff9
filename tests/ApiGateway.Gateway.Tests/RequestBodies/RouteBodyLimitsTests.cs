using ApiGateway.Gateway.RequestBodies;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Tests.RequestBodies;

public sealed class RouteBodyLimitsTests
{
    [Theory]
    [InlineData(null, 1000L, 1000L)] // no route limit: the global one
    [InlineData(-1L, 1000L, null)]   // YARP's "none"
    [InlineData(50L, 1000L, 50L)]    // the route's own, larger or smaller
    [InlineData(5000L, 1000L, 5000L)]
    public void Effective_RouteOrGlobal(long? route, long global, long? expected)
    {
        Assert.Equal(expected, RouteBodyLimits.Effective(route, global));
    }

    [Fact]
    public async Task ConfigureRoute_WithALimit_CopiesItIntoMetadataSoAReloadThatChangesOnlyItIsSeen()
    {
        var filter = new RouteBodyLimits();
        var before = new RouteConfig { RouteId = "r", ClusterId = "c", MaxRequestBodySize = 100, Metadata = new Dictionary<string, string> { ["Scopes"] = "a:read" } };
        var after = before with { MaxRequestBodySize = 200 };

        var configuredBefore = await filter.ConfigureRouteAsync(before, null, CancellationToken.None);
        var configuredAfter = await filter.ConfigureRouteAsync(after, null, CancellationToken.None);

        Assert.True(before.Equals(after)); // YARP's RouteConfig.Equals leaves the body limit out: the reason for the filter
        Assert.False(configuredBefore.Equals(configuredAfter));
        Assert.Equal("100", configuredBefore.Metadata![RouteBodyLimits.MetadataKey]);
        Assert.Equal("a:read", configuredBefore.Metadata["Scopes"]);
    }

    [Fact]
    public async Task ConfigureRoute_NoLimit_RouteUnchanged()
    {
        var route = new RouteConfig { RouteId = "r", ClusterId = "c" };

        Assert.Same(route, await new RouteBodyLimits().ConfigureRouteAsync(route, null, CancellationToken.None));
    }
}
