using ApiGateway.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Tests.Proxy;

public sealed class AllowedMethodsTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public void Classify_StandardMethod_Allowed(string method) =>
        Assert.Equal(MethodVerdict.Allowed, new AllowedMethods().Classify(Request(method)));

    [Theory]
    [InlineData("TRACE")]
    [InlineData("get")]
    [InlineData("Delete")]
    [InlineData("trace")]
    public void Classify_MethodARouteCouldNameButNoneDoes_NotAllowed(string method) =>
        Assert.Equal(MethodVerdict.NotAllowed, new AllowedMethods().Classify(Request(method)));

    [Theory]
    [InlineData("CONNECT")]
    [InlineData("PROPFIND")]
    [InlineData("PURGE")]
    [InlineData("XJUNK123")]
    [InlineData("G")]
    public void Classify_TokenNoRouteCanMatch_NotImplemented(string method) =>
        Assert.Equal(MethodVerdict.NotImplemented, new AllowedMethods().Classify(Request(method)));

    [Fact]
    public void Classify_RouteNamesTrace_TraceAllowedAndListedInAllow()
    {
        var methods = new AllowedMethods();
        Assert.Equal("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", methods.Allow);

        methods.ConfigurationApplied([new Config(Route("debug", "trace", "GET"), Route("plain"))]);

        Assert.Equal(MethodVerdict.Allowed, methods.Classify(Request("TRACE")));
        Assert.Equal(MethodVerdict.NotAllowed, methods.Classify(Request("trace")));
        Assert.Equal("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE", methods.Allow);

        methods.ConfigurationApplied([new Config(Route("plain"))]);

        Assert.Equal(MethodVerdict.NotAllowed, methods.Classify(Request("TRACE")));
    }

    /// <summary>RFC 8441 WebSockets over HTTP/2 arrive as CONNECT with <c>:protocol</c>: the route's WebSocket policy decides, not this filter.</summary>
    [Fact]
    public void Classify_ExtendedConnect_Allowed()
    {
        var context = Request("CONNECT");
        context.Features.Set<IHttpExtendedConnectFeature>(new ExtendedConnect());

        Assert.Equal(MethodVerdict.Allowed, new AllowedMethods().Classify(context));
    }

    private static DefaultHttpContext Request(string method) => new() { Request = { Method = method } };

    private static RouteConfig Route(string id, params string[] methods) => new()
    {
        RouteId = id,
        ClusterId = "c",
        Match = new RouteMatch { Path = "/x", Methods = methods.Length == 0 ? null : methods },
    };

    private sealed class Config(params RouteConfig[] routes) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = [];

        public Microsoft.Extensions.Primitives.IChangeToken ChangeToken { get; } = new Microsoft.Extensions.Primitives.CancellationChangeToken(CancellationToken.None);
    }

    private sealed class ExtendedConnect : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => true;

        public string? Protocol => "websocket";

        public ValueTask<Stream> AcceptAsync() => throw new NotSupportedException();
    }
}
