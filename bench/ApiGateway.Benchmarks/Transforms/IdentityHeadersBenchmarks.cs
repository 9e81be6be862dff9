using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Requests;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Benchmarks.Transforms;

/// <summary>The per-request identity header transform: strip client copies and Authorization, add workspace, key id and mode.</summary>
[MemoryDiagnoser]
public class IdentityHeadersBenchmarks : IDisposable
{
    private RequestTransform _transform = null!;
    private RequestTransformContext _context = null!;
    private HttpRequestMessage _message = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new GatewayOptions());
        var provider = new Gateway.Transforms.IdentityHeadersTransformProvider(options, new ClientIpResolver(options), new Gateway.Scopes.RouteAccessTable());
        var builder = new TransformBuilderContext
        {
            Route = new RouteConfig { RouteId = "bench", Metadata = new Dictionary<string, string> { ["Resource"] = "bench" } },
            Services = null!,
        };
        provider.Apply(builder);
        _transform = builder.RequestTransforms.Single();

        var http = new DefaultHttpContext();
        var feature = ApiKeyRequestFeature.For(http);
        feature.Key = new ApiKey
        {
            Id = Ids.New("key"),
            Name = "bench",
            Prefix = "agw_live_0000000",
            Mode = KeyMode.Live,
            WorkspaceId = "ws_bench",
            Scopes = ["bench:read"],
            LineageId = Ids.New("lin"),
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedBy = "adm_bench",
        };
        _message = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/bench");
        _context = new RequestTransformContext { HttpContext = http, ProxyRequest = _message, Path = "/bench", DestinationPrefix = "http://127.0.0.1/" };
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _message?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public ValueTask Apply()
    {
        // YARP copies the client's headers into a fresh message per request; here the message starts with none.
        _message.Headers.Clear();
        return _transform.ApplyAsync(_context);
    }
}
