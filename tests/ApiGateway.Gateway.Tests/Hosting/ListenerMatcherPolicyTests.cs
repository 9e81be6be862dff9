using ApiGateway.Gateway.ForwardAuth;
using ApiGateway.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tests.Hosting;

public sealed class ListenerMatcherPolicyTests
{
    private const int PublicPort = 8080;
    private const int InternalPort = 9091;
    private const int ForwardAuthPort = 9092;

    private static readonly Endpoint Proxy = new(null, new EndpointMetadataCollection(), "proxy route");
    private static readonly Endpoint Health = new(null, new EndpointMetadataCollection(InternalEndpointMetadata.Instance), "/healthz");
    private static readonly Endpoint Verify = new(null, new EndpointMetadataCollection(ForwardAuthEndpointMetadata.Instance), "/v1/verify");

    private static readonly ListenerMatcherPolicy Policy = new(Options.Create(new GatewayOptions
    {
        InternalUrl = $"http://127.0.0.1:{InternalPort}",
        ForwardAuthUrl = $"http://127.0.0.1:{ForwardAuthPort}",
    }));

    /// <summary>Which of the three endpoints stay candidates for a request on <paramref name="port"/>.</summary>
    private static async Task<string[]> ValidAsync(int port, bool verifyCall = false)
    {
        var context = new DefaultHttpContext();
        context.Connection.LocalPort = port;
        if (verifyCall)
        {
            context.Request.Method = "POST";
            context.Request.Path = "/v1/verify";
            VerifyCall.MarkIfVerifyCall(context, hasQuestionHeaders: false);
        }
        Endpoint[] endpoints = [Proxy, Health, Verify];
        var candidates = new CandidateSet(endpoints, [.. endpoints.Select(_ => new RouteValueDictionary())], [0, 0, 0]);
        await Policy.ApplyAsync(context, candidates);
        return [.. Enumerable.Range(0, endpoints.Length).Where(candidates.IsValidCandidate).Select(i => endpoints[i].DisplayName!)];
    }

    [Fact]
    public async Task ApplyAsync_PublicPort_OnlyProxyRoutes()
    {
        Assert.Equal(["proxy route"], await ValidAsync(PublicPort));
    }

    [Fact]
    public async Task ApplyAsync_InternalPort_OnlyInternalEndpoints()
    {
        Assert.Equal(["/healthz"], await ValidAsync(InternalPort));
    }

    [Fact]
    public async Task ApplyAsync_ForwardAuthPortQuestion_ProxyRoutesNeverVerify()
    {
        Assert.Equal(["proxy route"], await ValidAsync(ForwardAuthPort));
    }

    [Fact]
    public async Task ApplyAsync_ForwardAuthPortVerifyCall_VerifyToo()
    {
        Assert.Equal(["proxy route", "/v1/verify"], await ValidAsync(ForwardAuthPort, verifyCall: true));
    }

    [Fact]
    public async Task ApplyAsync_VerifyCallOnThePublicPort_NeverVerify()
    {
        Assert.Equal(["proxy route"], await ValidAsync(PublicPort, verifyCall: true));
    }
}
