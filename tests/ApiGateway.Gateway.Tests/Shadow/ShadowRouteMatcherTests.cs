using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Shadow;
using ApiGateway.Keys.Scopes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Tests.Shadow;

public sealed class ShadowRouteMatcherTests
{
    private static readonly IInlineConstraintResolver Constraints =
        new ServiceCollection().AddRouting().BuildServiceProvider().GetRequiredService<IInlineConstraintResolver>();

    private static (RouteConfig, RouteAccess) Route(string id, string path, int? order = null, string[]? methods = null)
    {
        var config = new RouteConfig { RouteId = id, ClusterId = "c", Order = order, Match = new RouteMatch { Path = path, Methods = methods } };
        return (config, new RouteAccess(id, RouteScopePolicy.Parse(new Dictionary<string, string> { ["Public"] = "true" }, out _)));
    }

    private static string? Match(ShadowRouteMatcher matcher, string method, string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        return matcher.Match(http)?.RouteId;
    }

    [Fact]
    public void Match_MoreSpecificPatternFirst_WhateverTheFileOrder()
    {
        var matcher = ShadowRouteMatcher.Build([Route("catch-all", "/v1/{**rest}"), Route("contacts", "/v1/contacts/{id}")], Constraints);

        Assert.Equal("contacts", Match(matcher, "GET", "/v1/contacts/7"));
        Assert.Equal("catch-all", Match(matcher, "GET", "/v1/invoices/7"));
    }

    [Fact]
    public void Match_OrderOutranksSpecificity()
    {
        var matcher = ShadowRouteMatcher.Build([Route("contacts", "/v1/contacts/{id}"), Route("first", "/v1/{**rest}", order: -1)], Constraints);

        Assert.Equal("first", Match(matcher, "GET", "/v1/contacts/7"));
    }

    [Fact]
    public void Match_MethodsAndConstraints_Honoured()
    {
        var matcher = ShadowRouteMatcher.Build(
            [Route("write", "/v1/items/{id:int}", methods: ["POST", "PUT"]), Route("read", "/v1/items/{id:int}")], Constraints);

        Assert.Equal("write", Match(matcher, "post", "/v1/items/5"));
        Assert.Equal("read", Match(matcher, "GET", "/v1/items/5"));
        Assert.Null(Match(matcher, "GET", "/v1/items/five"));
    }

    [Fact]
    public void Match_NothingMatches_Null()
    {
        var matcher = ShadowRouteMatcher.Build([Route("contacts", "/v1/contacts/{id}")], Constraints);

        Assert.Null(Match(matcher, "GET", "/v2/contacts/7"));
    }

    [Theory]
    [InlineData("Hosts")]
    [InlineData("Headers")]
    [InlineData("QueryParameters")]
    [InlineData("a route without Path")]
    public void Unsupported_ConditionsItCannotEvaluate_Named(string expected)
    {
        var match = expected switch
        {
            "Hosts" => new RouteMatch { Path = "/x", Hosts = ["example.com"] },
            "Headers" => new RouteMatch { Path = "/x", Headers = [new RouteHeader { Name = "X-A", Values = ["1"] }] },
            "QueryParameters" => new RouteMatch { Path = "/x", QueryParameters = [new RouteQueryParameter { Name = "a", Values = ["1"] }] },
            _ => new RouteMatch { Hosts = [] },
        };

        Assert.Equal(expected, ShadowRouteMatcher.Unsupported(new RouteConfig { RouteId = "r", ClusterId = "c", Match = match }));
        Assert.Null(ShadowRouteMatcher.Unsupported(new RouteConfig { RouteId = "r", ClusterId = "c", Match = new RouteMatch { Path = "/x", Methods = ["GET"] } }));
    }
}
