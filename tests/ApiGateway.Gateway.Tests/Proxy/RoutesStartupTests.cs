using ApiGateway.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    [Theory]
    [InlineData("Gateway:RoutesFile", "", "Gateway:RoutesFile must name the routes file.")]
    [InlineData("Gateway:RoutesFile", "   ", "Gateway:RoutesFile must name the routes file.")]
    [InlineData("ConnectionStrings:KeyStore", "not a connection string", "With KeyStore:Provider 'sqlite', ConnectionStrings:KeyStore must be a SQLite connection string")]
    [InlineData("Gateway:IdentityToken:SigningKeyFiles:0", "", "Gateway:IdentityToken:SigningKeyFiles: cannot read ''")]
    public async Task Start_BlankOrUnusablePathSetting_FailsWithOptionsValidationNamingIt(string setting, string value, string message)
    {
        await using var factory = new GatewayFactory();
        factory.Settings[setting] = value;
        factory.Settings["Gateway:IdentityToken:Enabled"] = "true";
        await factory.InitializeAsync();

        var thrown = Record.Exception(() => factory.CreateClient());

        // WebApplicationFactory races a start that fails fast: its DeferredHost may ask the host for its lifetime after the
        // app has already disposed it, and then throws ObjectDisposedException in place of the start's own exception. The
        // host logs that exception ("Hosting failed to start") before anything is disposed, so the cause is read there.
        var error = thrown as OptionsValidationException
            ?? Assert.IsType<OptionsValidationException>(
                factory.Logs.Lines.Select(line => line.Error).OfType<OptionsValidationException>().FirstOrDefault(), exactMatch: true);

        Assert.Contains(error.Failures, failure => failure.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ShadowRoutesFileBlank_MeansUnset()
    {
        await using var factory = new GatewayFactory();
        factory.Settings["Gateway:ShadowRoutesFile"] = "   ";
        await factory.InitializeAsync();

        var ready = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/readyz";
            c.Connection.LocalPort = 9091;
        }, TestContext.Current.CancellationToken);

        Assert.Equal(200, ready.Response.StatusCode);
        Assert.Null(factory.Services.GetRequiredService<ApiGateway.Gateway.Shadow.ShadowRoutes>().State);
    }

    [Fact]
    public async Task Start_MissingFile_FailsNamingTheFile()
    {
        var error = Flatten(await StartWithRoutesAsync(null));
        Assert.Contains("Cannot load the routes file", error, StringComparison.Ordinal);
    }
}
