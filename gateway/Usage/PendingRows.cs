namespace ApiGateway.Gateway.Usage;

/// <summary>
/// The rows an in-memory hourly counter (<see cref="UsageRecorder"/>, <see cref="Shadow.ShadowReport"/>) has not yet
/// written: each flush merges what was counted since the last one into what failed flushes kept and writes all of it in
/// one store call. A failed write keeps the rows, dropping the oldest hours past <see cref="UsageOptions.MaxPendingRows"/>,
/// and never throws. One flush runs at a time.
/// </summary>
// The flush lock is deliberately never disposed: a SemaphoreSlim owns no wait handle unless AvailableWaitHandle is read,
// and under WebApplicationFactory the host is stopped from two threads (the factory and Program's Run), so the container
// could dispose the owning singleton while the last StopAsync flush still runs (a disposed semaphore then threw there).
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The flush lock owns no wait handle and must outlive the container's dispose; see above.")]
internal sealed class PendingRows<TSlot, TRow>(int maxRows, Func<TSlot, long> hourOf, Func<TRow, TRow, TRow> merge, PendingRowsLog log)
    where TSlot : notnull
{
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly Dictionary<TSlot, TRow> _rows = [];

    /// <summary>Rows waiting for a successful flush, after a failed one.</summary>
    public int Count => _rows.Count;

    /// <param name="take">Called under the flush lock: the rows counted since the last flush.</param>
    /// <param name="write">Writes every pending row in one store call; when it throws, the rows stay pending.</param>
    /// <returns>The rows written, or 0 when there was nothing to write or the store refused.</returns>
    public async Task<int> FlushAsync(
        Func<IEnumerable<KeyValuePair<TSlot, TRow>>> take,
        Func<IReadOnlyCollection<KeyValuePair<TSlot, TRow>>, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        await _flushLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var (slot, row) in take())
            {
                _rows[slot] = _rows.TryGetValue(slot, out var kept) ? merge(kept, row) : row;
            }
            var count = _rows.Count;
            if (count == 0)
            {
                return 0;
            }
            try
            {
                await write(_rows, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                log.FlushFailed(count, ex);
                Trim();
                return 0;
            }
            _rows.Clear();
            log.Flushed(count);
            return count;
        }
        finally
        {
            _flushLock.Release();
        }
    }

    private void Trim()
    {
        var excess = _rows.Count - maxRows;
        if (excess <= 0)
        {
            return;
        }
        foreach (var slot in _rows.Keys.OrderBy(hourOf).Take(excess).ToList())
        {
            _rows.Remove(slot);
        }
        log.RowsDropped(excess);
    }
}

/// <summary>The owner's source-generated log messages (its own event ids) for what <see cref="PendingRows{TSlot, TRow}"/> does.</summary>
internal sealed record PendingRowsLog(Action<int> Flushed, Action<int, Exception> FlushFailed, Action<int> RowsDropped);
