using System.Reflection;
using ApiGateway.TestKit;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>
/// The built gateway (<c>dotnet ApiGateway.Gateway.dll</c>) as a real process on free loopback ports, sharing the
/// console fixture's database and routes file, flushing usage every second. Killed on dispose.
/// </summary>
public sealed class GatewayRunner : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ChildProcess _process;

    private GatewayRunner(ChildProcess process, Uri publicAddress)
    {
        _process = process;
        PublicAddress = publicAddress;
    }

    public Uri PublicAddress { get; }

    public static string GatewayDll { get; } = typeof(GatewayRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "GatewayDll").Value!;

    /// <summary>The process, its state and its recent output, for assertion failures.</summary>
    public string Output => _process.Describe();

    public static async Task<GatewayRunner> StartAsync(string connectionString, string routesFile, string workingDirectory, CancellationToken cancellationToken)
    {
        var publicAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var internalAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var process = ChildProcess.Start("gateway", "dotnet", [GatewayDll], workingDirectory, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = publicAddress.GetLeftPart(UriPartial.Authority),
            ["Gateway__InternalUrl"] = internalAddress.GetLeftPart(UriPartial.Authority),
            ["ConnectionStrings__KeyStore"] = connectionString,
            ["Gateway__RoutesFile"] = routesFile,
            ["Usage__FlushSeconds"] = "1",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        });
        var runner = new GatewayRunner(process, publicAddress);
        try
        {
            await process.WaitUntilHealthyAsync(new Uri(internalAddress, "/healthz"), StartTimeout, cancellationToken);
            return runner;
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient(string key)
    {
        var client = new HttpClient { BaseAddress = PublicAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        return client;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
