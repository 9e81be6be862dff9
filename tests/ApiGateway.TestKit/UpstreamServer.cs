using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiGateway.TestKit;

/// <summary>
/// A real Kestrel upstream on 127.0.0.1 with an OS-chosen port that records every request it receives
/// (method, path, query, headers) and answers 200 with a small JSON body, or whatever <see cref="Respond"/> says.
/// </summary>
public sealed class UpstreamServer : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Optional override of the response: return a status code, or null for the default 200.</summary>
    public Func<HttpContext, int?>? Respond { get; set; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:0");

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // After a stop, a restart binds the same address again (tests that kill and revive an upstream).
        builder.WebHost.UseKestrel().UseUrls(BaseAddress.GetLeftPart(UriPartial.Authority));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            var request = context.Request;
            Received.Enqueue(new ReceivedRequest(
                request.Method,
                request.Path.Value ?? "",
                request.QueryString.Value ?? "",
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase)));
            context.Response.StatusCode = Respond?.Invoke(context) ?? StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"ok\":true}", context.RequestAborted);
        });
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string?[]> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var values) ? string.Join(",", values) : null;
}
