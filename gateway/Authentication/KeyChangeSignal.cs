namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// Wakes <see cref="KeyChangePoller"/> before its next tick (a <c>keys:changed</c> message from Redis). The poller takes
/// <see cref="Next"/> before each poll, so a wake that arrives during a poll still triggers the following one.
/// </summary>
internal sealed class KeyChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Wake() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
