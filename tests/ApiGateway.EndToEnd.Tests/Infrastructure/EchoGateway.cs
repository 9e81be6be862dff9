using System.Net;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real gateway process in front of a recording upstream on one route, <c>/v1/echo</c>, which needs
/// <see cref="Scope"/>: the smallest stack a process-level test of metrics or usage needs.
/// </summary>
public sealed class EchoGateway : IAsyncDisposable
{
    public const string Route = "echo";
    public const string Scope = "echo:read";

    private EchoGateway(UpstreamServer upstream, GatewayProcess gateway)
    {
        Upstream = upstream;
        Gateway = gateway;
    }

    public UpstreamServer Upstream { get; }

    public GatewayProcess Gateway { get; }

    /// <summary>The routes file: the one echo route to <paramref name="upstream"/>.</summary>
    public static string Routes(Uri upstream) => RoutesFile.SingleRoute(Route, "/v1/echo", Scope, upstream);

    public static async Task<EchoGateway> StartAsync(CancellationToken cancellationToken)
    {
        var upstream = new UpstreamServer();
        try
        {
            await upstream.StartAsync(cancellationToken);
            var gateway = await GatewayProcess.StartAsync(Routes(upstream.BaseAddress), cancellationToken: cancellationToken);
            return new EchoGateway(upstream, gateway);
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends <paramref name="count"/> GETs with <paramref name="key"/> and asserts each is a 200.</summary>
    public async Task SendOkAsync(string key, int count, CancellationToken cancellationToken)
    {
        using var client = Gateway.CreatePublicClient(key);
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync(new Uri("/v1/echo/ping", UriKind.Relative), cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Request {i}: {response.StatusCode}. {Gateway.Process.Describe()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
