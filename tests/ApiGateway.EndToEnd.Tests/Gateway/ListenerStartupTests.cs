using System.Net;
using System.Net.Sockets;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// The internal port's <c>/healthz</c> and <c>/readyz</c> say alive or ready only once every listener is bound. Kestrel
/// binds the internal listener first and serves it at once, so before that rule a public listener that was still being
/// bound, or failed to bind, sat behind a 200 (docs/tls.md "Known issues", docs/gateway.md "Health").
/// </summary>
public sealed class ListenerStartupTests
{
    private static readonly string Routes = RoutesFile.SingleRoute("echo", "/v1/echo", "echo:read", new Uri("http://127.0.0.1:9"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Gateway_PublicPortTaken_NeverSaysAliveOrReadyAndExitsNamingTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, FreePort.Next());
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var internalPort = FreePort.Next();
        using var database = new TempDatabase();
        await File.WriteAllTextAsync(Path.Combine(database.Directory.FullName, "routes.json"), Routes, Ct);
        await using var gateway = ChildProcess.Start("gateway", "dotnet", [GatewayProcess.GatewayDll], database.Directory.FullName, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Gateway__InternalUrl"] = $"http://127.0.0.1:{internalPort}",
            ["ConnectionStrings__KeyStore"] = database.ConnectionString,
            ["Gateway__RoutesFile"] = "routes.json",
            ["DOTNET_ENVIRONMENT"] = "Production",
        });

        // Ask as fast as we can from launch to exit: any 200 would be a gateway calling itself up with a port missing.
        var answers = new List<HttpStatusCode>();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{internalPort}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!gateway.HasExited && DateTime.UtcNow < deadline)
        {
            foreach (var path in (string[])["/healthz", "/readyz"])
            {
                try
                {
                    using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);
                    answers.Add(response.StatusCode);
                }
                catch (HttpRequestException)
                {
                    // Not listening (yet, or any more).
                }
                catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
                {
                    // One probe outlived its 5 s on a busy machine: no answer is not a 200.
                }
            }
        }

        Assert.True(gateway.HasExited, gateway.Describe());
        Assert.NotEqual(0, gateway.ExitCode);
        Assert.Contains("address already in use", gateway.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(HttpStatusCode.OK, answers);
    }
}
