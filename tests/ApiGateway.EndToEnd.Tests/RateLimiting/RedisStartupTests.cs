using System.Net;
using System.Net.Sockets;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.RateLimiting;

/// <summary>
/// A Redis the gateway cannot talk to (<c>ssl=true</c> against a plain Redis: the client's TLS handshake never
/// finishes) never holds up start-up or shutdown of the real process: it serves, SIGTERM stops it, and a start that
/// cannot proceed (the public port taken) exits non-zero saying why.
/// </summary>
public sealed class RedisStartupTests : IAsyncLifetime
{
    private static readonly string Routes = RoutesFile.SingleRoute("echo", "/v1/echo", "echo:read", new Uri("http://127.0.0.1:9"));
    private readonly RedisServer _redis = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        Assert.SkipWhen(_redis.SkipReason is not null, _redis.SkipReason ?? "");
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Gateway_SslAgainstPlainRedis_ServesDegradedSaysWhyAndStopsOnSigterm()
    {
        await using var gateway = await GatewayProcess.StartAsync(Routes, new Dictionary<string, string>
        {
            ["RateLimits__Redis"] = _redis.ConnectionString + ",ssl=true",
        }, Ct);
        using var client = gateway.CreateInternalClient();
        using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        Assert.Contains("degraded", await ready.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await Poll.UntilAsync(
            _ => Task.FromResult(gateway.Process.Output.Contains("has not completed the connection", StringComparison.Ordinal)),
            seen => seen, TimeSpan.FromSeconds(60), Ct);

        await gateway.StopAsync(); // asserts the exit within 30 s of SIGTERM
        Assert.Equal(0, gateway.Process.ExitCode);
    }

    [Fact]
    public async Task Gateway_PublicPortTakenAndSslAgainstPlainRedis_ExitsNonZeroNamingThePort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var database = new TempDatabase();
        await File.WriteAllTextAsync(Path.Combine(database.Directory.FullName, "routes.json"), Routes, Ct);
        await using var gateway = ChildProcess.Start("gateway", "dotnet", [GatewayProcess.GatewayDll], database.Directory.FullName, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Gateway__InternalUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["ConnectionStrings__KeyStore"] = database.ConnectionString,
            ["Gateway__RoutesFile"] = "routes.json",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["RateLimits__Redis"] = _redis.ConnectionString + ",ssl=true",
        });

        var exited = await Poll.UntilAsync(_ => Task.FromResult(gateway.HasExited), done => done, TimeSpan.FromSeconds(60), Ct);

        Assert.True(exited, gateway.Describe());
        Assert.NotEqual(0, gateway.ExitCode);
        Assert.Contains("address already in use", gateway.Output, StringComparison.OrdinalIgnoreCase);
    }
}
