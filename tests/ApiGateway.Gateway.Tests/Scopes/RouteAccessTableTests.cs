using ApiGateway.Gateway.Scopes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.Tests.Scopes;

/// <summary>A route's scope policy is parsed once per route build, for validation, transforms and the endpoint alike (issue 17.4).</summary>
public sealed class RouteAccessTableTests
{
    [Fact]
    public void For_SameRouteConfig_ParsesOnceAndSharesTheInstance()
    {
        var table = new RouteAccessTable();
        var route = Route(new() { ["Scopes"] = "contacts:read" });

        var first = table.For(route);
        var second = table.For(route);

        Assert.Same(first, second);
        Assert.Equal(1, table.Parses);
        Assert.Equal(["contacts:read"], first.Policy.RequiredFor("GET"));
    }

    [Fact]
    public void For_ChangedRouteConfig_ParsesTheNewOne()
    {
        var table = new RouteAccessTable();
        var route = Route(new() { ["Scopes"] = "contacts:read" });
        var old = table.For(route);

        var changed = table.For(route with { Metadata = new Dictionary<string, string> { ["Public"] = "true" } });

        Assert.NotSame(old, changed);
        Assert.True(changed.Policy.IsPublic);
        Assert.Equal(2, table.Parses);
    }

    [Fact]
    public void For_BadMetadata_CarriesEveryProblem()
    {
        var access = new RouteAccessTable().For(Route(new() { ["Scopes"] = "Not A Scope", ["WebSockets"] = "yes" }));

        Assert.Equal(2, access.Problems.Count);
        Assert.Contains(access.Problems, p => p.Contains("'WebSockets'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gateway_EveryRouteParsedOnce_EndpointMetadataIsTheTablesInstance()
    {
        await using var factory = new GatewayFactory();
        await factory.InitializeAsync();
        using var client = factory.CreateClient();
        var table = factory.Services.GetRequiredService<RouteAccessTable>();
        var routes = factory.Services.GetRequiredService<IProxyStateLookup>().GetRoutes().ToList();
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<RouteModel>() is not null).ToList();

        // Validation, both transform providers and the endpoint conventions each asked; one parse per route.
        Assert.Equal(routes.Count, table.Parses);
        Assert.Equal(routes.Count, endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            Assert.Same(table.For(endpoint.Metadata.GetMetadata<RouteModel>()!.Config), endpoint.Metadata.GetMetadata<RouteAccess>());
        }
    }

    private static RouteConfig Route(Dictionary<string, string> metadata) => new() { RouteId = "r", ClusterId = "c", Metadata = metadata };
}
