using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiGateway.TestKit;

/// <summary>
/// A real Kestrel upstream (HTTP/1.1) on 127.0.0.1 with an OS-chosen port that records every request it receives
/// (method, path, query, headers) and answers 200 with a small JSON body, or whatever <see cref="Respond"/> says.
/// Built with <c>longLived: true</c> it also takes long-lived traffic: any WebSocket handshake is accepted and echoes
/// text messages, and a path ending in <c>/sse</c> answers <c>text/event-stream</c>, sends one event and holds the
/// stream open until <see cref="EndStreams"/> or the client leaves.
/// </summary>
public sealed class UpstreamServer(bool longLived = false) : IAsyncDisposable
{
    private WebApplication? _app;
    private TaskCompletionSource _endStreams = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openSockets;
    private int _openStreams;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Optional override of plain (not WebSocket, not SSE) responses: return a status code, or null for the default 200.</summary>
    public Func<HttpContext, int?>? Respond { get; set; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>WebSockets currently open at the upstream (<c>longLived</c> only).</summary>
    public int OpenSockets => Volatile.Read(ref _openSockets);

    /// <summary>SSE streams currently open at the upstream (<c>longLived</c> only).</summary>
    public int OpenStreams => Volatile.Read(ref _openStreams);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // After a stop, a restart binds the same address again (tests that kill and revive an upstream).
        builder.WebHost.UseKestrel().UseUrls(BaseAddress.GetLeftPart(UriPartial.Authority));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        if (longLived)
        {
            _app.UseWebSockets();
        }
        _app.Run(async context =>
        {
            var request = context.Request;
            Received.Enqueue(new ReceivedRequest(
                request.Method,
                request.Path.Value ?? "",
                request.QueryString.Value ?? "",
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase)));
            if (longLived && context.WebSockets.IsWebSocketRequest)
            {
                await EchoAsync(context);
            }
            else if (longLived && request.Path.Value?.EndsWith("/sse", StringComparison.Ordinal) == true)
            {
                await StreamAsync(context);
            }
            else
            {
                context.Response.StatusCode = Respond?.Invoke(context) ?? StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"ok\":true}", context.RequestAborted);
            }
        });
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    /// <summary>Ends every open SSE stream (the upstream completes the response).</summary>
    public void EndStreams() =>
        Interlocked.Exchange(ref _endStreams, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            EndStreams();
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task EchoAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _openSockets);
        try
        {
            var buffer = new byte[4096];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }
                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The gateway or the client went away: that is what the tests provoke.
        }
        finally
        {
            Interlocked.Decrement(ref _openSockets);
        }
    }

    private async Task StreamAsync(HttpContext context)
    {
        var end = Volatile.Read(ref _endStreams).Task;
        context.Response.ContentType = "text/event-stream";
        Interlocked.Increment(ref _openStreams);
        try
        {
            await context.Response.WriteAsync("data: hello\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await end.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _openStreams);
        }
    }
}

public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string?[]> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var values) ? string.Join(",", values) : null;
}
