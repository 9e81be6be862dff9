using Polly;
using Polly.CircuitBreaker;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// A cluster's Polly circuit breaker, used in two ways. While it is closed, a request is forwarded after one synchronous
/// state read and its start is <see cref="Report"/>ed (a pipeline run over an already-known outcome: no await, no
/// allocation but the pooled context). Otherwise a request must be admitted by the pipeline as its trial
/// (<see cref="TryTrialAsync"/>), which Polly holds only until the forward has started.
/// </summary>
internal sealed class ClusterBreaker(ResiliencePipeline<bool> pipeline, CircuitBreakerStateProvider state, TimeProvider time)
{
    /// <summary>The circuit lets everything through: no trial needed.</summary>
    public bool IsClosed => state.CircuitState == CircuitState.Closed;

    /// <summary>Records how a forward admitted while closed started (true: well).</summary>
    public void Report(bool healthy)
    {
        var context = ResilienceContextPool.Shared.Get();
        var run = pipeline.ExecuteOutcomeAsync(static (_, h) => Outcome.FromResultAsValueTask(h), context, healthy);
        if (run.IsCompleted)
        {
            // Only a state change (the open/close callbacks are scheduled) makes the run asynchronous.
            ResilienceContextPool.Shared.Return(context);
            return;
        }
        _ = ReturnWhenDoneAsync(run, context);
    }

    /// <summary>
    /// Runs <paramref name="forward"/> as the half-open trial if the breaker admits one: the trial lasts until
    /// <paramref name="started"/> gives its verdict (null: nothing learned about the upstream, counted as good) or
    /// <see cref="UpstreamCircuitBreakers.TrialTimeout"/> passes (counted as a failure); the forward itself goes on.
    /// Returns the forward, or null when the circuit refused the request.
    /// </summary>
    public async Task<Task?> TryTrialAsync(Func<Task> forward, Task<bool?> started)
    {
        var context = ResilienceContextPool.Shared.Get();
        var trial = new Trial(forward, started, time);
        try
        {
            await pipeline.ExecuteOutcomeAsync(static async (_, t) => Outcome.FromResult(await t.RunAsync()), context, trial);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
        return trial.Forward;
    }

    private static async Task ReturnWhenDoneAsync(ValueTask<Outcome<bool>> run, ResilienceContext context)
    {
        await run;
        ResilienceContextPool.Shared.Return(context);
    }

    private sealed class Trial(Func<Task> forward, Task<bool?> started, TimeProvider time)
    {
        public Task? Forward { get; private set; }

        public async Task<bool> RunAsync()
        {
            Forward = forward();
            try
            {
                return await started.WaitAsync(UpstreamCircuitBreakers.TrialTimeout, time) ?? true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }
}
