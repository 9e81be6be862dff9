using ApiGateway.Gateway.ForwardAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ApiGateway.Gateway.Tests.ForwardAuth;

public sealed class VerifyCallTests
{
    private static bool Marked(string method, string rawTarget, bool questionHeaders = false)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        VerifyCall.MarkIfVerifyCall(context, questionHeaders);
        return VerifyCall.IsMarked(context);
    }

    [Theory]
    [InlineData("/v1/verify")]
    [InlineData("/v1/verify?trace=1")]
    public void MarkIfVerifyCall_PostToExactlyTheVerifyPath_Marked(string target)
    {
        Assert.True(Marked("POST", target));
    }

    [Theory]
    [InlineData("POST", "/v1/Verify")]
    [InlineData("POST", "/v1//verify")]
    [InlineData("POST", "/v1/%76erify")] // a spelling routing would fold onto /v1/verify
    [InlineData("POST", "/v1/verify/")]
    [InlineData("GET", "/v1/verify")]
    public void MarkIfVerifyCall_AnyOtherMethodOrSpelling_NotMarked(string method, string target)
    {
        Assert.False(Marked(method, target));
    }

    [Fact]
    public void MarkIfVerifyCall_WithQuestionHeaders_AQuestionAboutTheVerifyPathNotACall()
    {
        Assert.False(Marked("POST", "/v1/verify", questionHeaders: true));
    }

    [Fact]
    public void MarkIfVerifyCall_NoRawTarget_ThePathBaseAndPath()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/verify";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "";

        VerifyCall.MarkIfVerifyCall(context, hasQuestionHeaders: false);

        Assert.True(VerifyCall.IsMarked(context));
    }
}
