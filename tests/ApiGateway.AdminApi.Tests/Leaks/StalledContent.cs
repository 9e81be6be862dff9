namespace ApiGateway.AdminApi.Tests.Leaks;

/// <summary>A body that sends its first bytes and then nothing more until disposed: an upload that stalls.</summary>
internal sealed class StalledContent : HttpContent
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync("[{\"token\":"u8.ToArray());
        await stream.FlushAsync();
        _started.TrySetResult();
        await _released.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 1024 * 1024;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        _released.TrySetResult();
        base.Dispose(disposing);
    }
}
