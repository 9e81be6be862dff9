namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>A point a store call stops at until the test opens it: <see cref="Reached"/> says the call got there.</summary>
internal sealed class Gate
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task;

    public void Open() => _open.TrySetResult();

    public async Task PassAsync()
    {
        _reached.TrySetResult();
        await _open.Task;
    }
}
