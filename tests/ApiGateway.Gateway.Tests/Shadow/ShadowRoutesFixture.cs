using ApiGateway.Gateway.Shadow;
using ApiGateway.Gateway.Tests.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace ApiGateway.Gateway.Tests.Shadow;

/// <summary>The real gateway (<see cref="GatewayFactory"/>) with <c>Gateway:ShadowRoutesFile</c> set, starting equal to the live routes.</summary>
public sealed class ShadowRoutesFixture : IAsyncLifetime
{
    private string? _written;

    public GatewayFactory Gateway { get; } = new();

    public string ShadowPath => Path.Combine(Path.GetDirectoryName(Gateway.RoutesPath)!, "shadow-routes.json");

    /// <summary>The live routes as the tests start them, which a candidate is made from.</summary>
    public string LiveRoutes => TestRoutes.Json(Gateway.Upstream.BaseAddress, Gateway.Sandbox.BaseAddress);

    internal ShadowRoutes Shadow => Gateway.Services.GetRequiredService<ShadowRoutes>();

    /// <summary>Gives the shadow file its content before the gateway starts (null: none, so a test can start with a bad one).</summary>
    public string? Initial { get; init; } = "live";

    public async ValueTask InitializeAsync()
    {
        Gateway.Settings["Gateway:ShadowRoutesFile"] = ShadowPath;
        await Gateway.InitializeAsync();
        if (Initial is not null)
        {
            Write(Initial == "live" ? LiveRoutes : Initial);
        }
        _ = Gateway.Server; // start the host
    }

    /// <summary>Replaces the shadow file atomically and waits until the gateway has read it again (its state then says loaded or failed).</summary>
    public async Task ReplaceAsync(string json)
    {
        if (json == _written)
        {
            return; // the same content is no change to the watcher
        }
        var builds = Shadow.Builds;
        var state = Shadow.State;
        Write(json);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        // Polls the file watcher's effect: a new build, or (for an unreadable file) a new failed state.
        while (Shadow.Builds == builds && ReferenceEquals(Shadow.State, state))
        {
            Assert.True(DateTime.UtcNow < deadline, "the shadow routes file was not read again before the deadline");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The <c>gateway_shadow_decisions_total</c> samples, keyed "route|outcome".</summary>
    public async Task<Dictionary<string, double>> DecisionsAsync() =>
        (await MetricsText.ScrapeAsync(Gateway.Services.GetRequiredService<CollectorRegistry>()))
            .Series("gateway_shadow_decisions_total", "route", "outcome");

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();

    private void Write(string json)
    {
        var temp = ShadowPath + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, ShadowPath, overwrite: true);
        _written = json;
    }
}
