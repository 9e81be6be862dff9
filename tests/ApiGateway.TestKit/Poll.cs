namespace ApiGateway.TestKit;

/// <summary>Polls a condition to a deadline (never a fixed sleep): processes start, scrape and flush in their own time.</summary>
public static class Poll
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns the first value <paramref name="probe"/> gives that satisfies <paramref name="done"/>, or the last one at the deadline.</summary>
    public static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T>> probe, Func<T, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            T value;
            try
            {
                value = await probe(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw;
                }
                await Task.Delay(Interval, cancellationToken);
                continue;
            }
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(Interval, cancellationToken);
        }
    }
}
