namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// Wakes the dispatcher when this process has just committed an event, so a delivery starts at once instead of at the
/// next poll. Losing a wake-up costs at most one poll interval: the outbox, not this signal, is what is durable.
/// </summary>
internal sealed class WebhookSignal
{
    private TaskCompletionSource _pending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => _pending.TrySetResult();

    /// <summary>Returns when woken or when <paramref name="timeout"/> (on <paramref name="time"/>) has passed.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var pending = _pending;
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delayTask = Task.Delay(timeout, time, delay.Token);
        await Task.WhenAny(pending.Task, delayTask);
        await delay.CancelAsync();
        if (pending.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _pending, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), pending);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }
}
