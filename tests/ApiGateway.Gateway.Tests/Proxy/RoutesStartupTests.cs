using ApiGateway.TestKit;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>A bad routes file at start stops the gateway with every problem named by route and field.</summary>
public sealed class RoutesStartupTests
{
    private static async Task<Exception> StartWithRoutesAsync(string? json)
    {
        await using var factory = new GatewayFactory();
        await factory.InitializeAsync();
        if (json is null)
        {
            File.Delete(factory.RoutesPath);
        }
        else
        {
            factory.WriteRoutes(json);
        }
        return Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    private static string Flatten(Exception exception) => exception switch
    {
        AggregateException aggregate => exception.Message + string.Concat(aggregate.InnerExceptions.Select(Flatten)),
        { InnerException: { } inner } => exception.Message + " " + Flatten(inner),
        _ => exception.Message,
    };

    [Fact]
    public async Task Start_InvalidScopeMetadata_FailsNamingRouteAndField()
    {
        var json = TestRoutes.Json(new Uri("http://127.0.0.1:1"), new Uri("http://127.0.0.1:2"),
            """
            ,
            "bad-scopes": { "ClusterId": "main", "Match": { "Path": "/bad" }, "Metadata": { "Scopes.POST": "Widgets:Write" } },
            "no-metadata": { "ClusterId": "main", "Match": { "Path": "/none" } }
            """);
        var error = Flatten(await StartWithRoutesAsync(json));
        Assert.Contains("Route 'bad-scopes'", error, StringComparison.Ordinal);
        Assert.Contains("Scopes.POST", error, StringComparison.Ordinal);
        Assert.Contains("Route 'no-metadata'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidCost_FailsNamingRouteAndField()
    {
        var json = TestRoutes.Json(new Uri("http://127.0.0.1:1"), new Uri("http://127.0.0.1:2"),
            """
            ,
            "search": { "ClusterId": "main", "Match": { "Path": "/v1/search" }, "Metadata": { "Resource": "search", "Cost": "0" } }
            """);
        var error = Flatten(await StartWithRoutesAsync(json));
        Assert.Contains("Route 'search': Metadata 'Cost' must be an integer from 1 to 1000, not '0'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_GarbageFile_FailsNamingTheFile()
    {
        var error = Flatten(await StartWithRoutesAsync("{ not json"));
        Assert.Contains("Cannot load the routes file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MissingFile_FailsNamingTheFile()
    {
        var error = Flatten(await StartWithRoutesAsync(null));
        Assert.Contains("Cannot load the routes file", error, StringComparison.Ordinal);
    }
}
