using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiGateway.TestKit;

/// <summary>
/// A webhook endpoint on real Kestrel (127.0.0.1, port 0): records every POST it gets (path, headers, raw body, in
/// arrival order) and answers what <see cref="Respond"/> says (200 by default). <see cref="Respond"/> may await, so a
/// test can hold a delivery in flight (a timeout, a crash mid-delivery).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private WebApplication? _app;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Func<ReceivedWebhook, HttpContext, Task<int>>? Respond { get; set; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:0");

    public Uri Url(string path = "/hook") => new(BaseAddress, path);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls(BaseAddress.GetLeftPart(UriPartial.Authority));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var received = new ReceivedWebhook(
                context.Request.Path.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            Received.Enqueue(received);
            Interlocked.Exchange(ref _arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            context.Response.StatusCode = Respond is null ? StatusCodes.Status200OK : await Respond(received, context);
        });
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived (or the token ends the wait).</summary>
    public async Task WaitForAsync(int count, CancellationToken cancellationToken)
    {
        while (Received.Count < count)
        {
            var arrived = _arrived.Task;
            if (Received.Count >= count)
            {
                return;
            }
            await arrived.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }
}

/// <summary>One POST a <see cref="WebhookReceiver"/> got.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Id => Headers["webhook-id"];
}
