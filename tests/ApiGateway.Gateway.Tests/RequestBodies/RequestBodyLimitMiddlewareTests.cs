using System.Text.Json;
using ApiGateway.Gateway.RequestBodies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.Tests.RequestBodies;

public sealed class RequestBodyLimitMiddlewareTests
{
    private const long Global = 1000;

    /// <summary>Kestrel's per-request body limit, as the middleware sets it.</summary>
    private sealed class BodySizeFeature : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly { get; set; }

        public long? MaxRequestBodySize { get; set; } = 30_000_000;
    }

    private static async Task<(DefaultHttpContext Context, BodySizeFeature Feature, bool Forwarded)> InvokeAsync(long? routeLimit, long? declared, bool endpoint = true)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var feature = new BodySizeFeature();
        context.Features.Set<IHttpMaxRequestBodySizeFeature>(feature);
        context.Request.ContentLength = declared;
        if (endpoint)
        {
            var route = new RouteModel(new RouteConfig { RouteId = "upload", ClusterId = "c", MaxRequestBodySize = routeLimit }, null, HttpTransformer.Empty);
            context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(route), "upload"));
        }
        var forwarded = false;
        var middleware = new RequestBodyLimitMiddleware(_ => { forwarded = true; return Task.CompletedTask; },
            Options.Create(new RequestBodyOptions { MaxRequestBodySize = Global }), NullLogger<RequestBodyLimitMiddleware>.Instance);
        await middleware.InvokeAsync(context);
        return (context, feature, forwarded);
    }

    [Theory]
    [InlineData(null, Global)] // the global limit
    [InlineData(50L, 50L)]     // the route's own
    [InlineData(-1L, null)]    // none
    public async Task InvokeAsync_BodyWithinTheLimit_KestrelsLimitSetAndForwarded(long? routeLimit, long? expected)
    {
        var (_, feature, forwarded) = await InvokeAsync(routeLimit, declared: 10);

        Assert.True(forwarded);
        Assert.Equal(expected, feature.MaxRequestBodySize);
    }

    [Fact]
    public async Task InvokeAsync_DeclaredLengthOverTheLimit_413ProblemWithoutForwardingAndTheRestDrained()
    {
        var (context, feature, forwarded) = await InvokeAsync(routeLimit: 50, declared: 51);

        Assert.False(forwarded);
        Assert.Equal(413, context.Response.StatusCode);
        Assert.Equal(51, feature.MaxRequestBodySize); // read and discarded after the answer, so the 413 is not reset away
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Request body too large", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task InvokeAsync_DeclaredFarOverTheLimit_NotDrained()
    {
        var (context, feature, _) = await InvokeAsync(routeLimit: 50, declared: 50 + (2 * 1024 * 1024));

        Assert.Equal(413, context.Response.StatusCode);
        Assert.Equal(50, feature.MaxRequestBodySize);
    }

    [Fact]
    public async Task InvokeAsync_NotAProxyRoute_LeftAlone()
    {
        var (_, feature, forwarded) = await InvokeAsync(routeLimit: null, declared: 5000, endpoint: false);

        Assert.True(forwarded);
        Assert.Equal(30_000_000, feature.MaxRequestBodySize);
    }

    [Fact]
    public void IsBodyTooLarge_KestrelsRefusalWrappedOrNot_True()
    {
        var kestrel = new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);

        Assert.True(RequestBodyLimitMiddleware.IsBodyTooLarge(kestrel));
        Assert.True(RequestBodyLimitMiddleware.IsBodyTooLarge(new HttpRequestException("copy failed", new IOException("x", kestrel))));
        Assert.False(RequestBodyLimitMiddleware.IsBodyTooLarge(new BadHttpRequestException("bad", StatusCodes.Status400BadRequest)));
        Assert.False(RequestBodyLimitMiddleware.IsBodyTooLarge(null));
    }
}
