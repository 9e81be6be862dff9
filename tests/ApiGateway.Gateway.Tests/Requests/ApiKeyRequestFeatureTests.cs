using ApiGateway.Gateway.Requests;
using Microsoft.AspNetCore.Http;

namespace ApiGateway.Gateway.Tests.Requests;

public sealed class ApiKeyRequestFeatureTests
{
    [Fact]
    public void For_FirstUse_CreatesAndSetsTheFeature()
    {
        var context = new DefaultHttpContext();

        var feature = ApiKeyRequestFeature.For(context);

        Assert.Same(feature, context.Features.Get<ApiKeyRequestFeature>());
        Assert.Null(feature.Key);
        Assert.Null(feature.FailureReason);
        Assert.False(feature.RateLimited);
    }

    [Fact]
    public void For_Again_TheSameFeatureWithWhatEarlierStagesSet()
    {
        var context = new DefaultHttpContext();
        ApiKeyRequestFeature.For(context).FailureReason = "disabled";

        Assert.Equal("disabled", ApiKeyRequestFeature.For(context).FailureReason);
    }
}
