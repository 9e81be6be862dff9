using System.Data.Common;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Keys.Tests.Storage.Contract;

/// <summary>
/// Holds a mutation inside its write transaction, after its rows are written and before commit, until released: what
/// another writer does meanwhile is what the test controls.
/// </summary>
internal sealed class PausingHook : IKeyMutationHook
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a mutation has written its rows and waits, holding its locks.</summary>
    public Task Reached => _reached.Task;

    public void Release() => _release.TrySetResult();

    public async Task OnMutatedAsync(KeyMutation mutation, IKeyStoreWriter writer, CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
    }
}

/// <summary>The engine's dialect, telling when a write transaction starts to begin (on SQLite: starts waiting for the write lock).</summary>
internal sealed class SignallingDialect(IStoreDialect inner) : IStoreDialect
{
    private readonly TaskCompletionSource _beginning = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task BeginningWrite => _beginning.Task;

    public string RowLock => inner.RowLock;

    public string SkipLocked => inner.SkipLocked;

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);

    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        _beginning.TrySetResult();
        return inner.BeginWriteAsync(connection, cancellationToken);
    }

    public Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) => inner.BeginSnapshotAsync(connection, cancellationToken);

    public Task LockAsync(DbConnection connection, DbTransaction transaction, AdvisoryLock lockClass, string name, CancellationToken cancellationToken) =>
        inner.LockAsync(connection, transaction, lockClass, name, cancellationToken);

    public Task LockKeysInOrderAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        inner.LockKeysInOrderAsync(connection, transaction, ids, cancellationToken);

    public Task LockChangeFeedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        inner.LockChangeFeedAsync(connection, transaction, cancellationToken);

    public string InArray(string parameter) => inner.InArray(parameter);

    public string BatchRows(params string[] columns) => inner.BatchRows(columns);

    public object BatchParameters(IReadOnlyList<(string Column, Array Values)> columns) => inner.BatchParameters(columns);
}

/// <summary>
/// The engine's dialect, telling when a write transaction is about to wait on another's: on SQLite when it begins (the
/// database write lock), on Postgres when it takes its first lock (an advisory lock, or the change feed's table lock).
/// </summary>
internal sealed class WaitingDialect(IStoreDialect inner, bool waitsAtBegin) : IStoreDialect
{
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Waiting => _waiting.Task;

    public string RowLock => inner.RowLock;


    public string SkipLocked => inner.SkipLocked;

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);

    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (waitsAtBegin)
        {
            _waiting.TrySetResult();
        }
        return inner.BeginWriteAsync(connection, cancellationToken);
    }

    public Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) => inner.BeginSnapshotAsync(connection, cancellationToken);

    public Task LockAsync(DbConnection connection, DbTransaction transaction, AdvisoryLock lockClass, string name, CancellationToken cancellationToken)
    {
        _waiting.TrySetResult();
        return inner.LockAsync(connection, transaction, lockClass, name, cancellationToken);
    }

    public Task LockKeysInOrderAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        _waiting.TrySetResult();
        return inner.LockKeysInOrderAsync(connection, transaction, ids, cancellationToken);
    }

    public Task LockChangeFeedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        _waiting.TrySetResult();
        return inner.LockChangeFeedAsync(connection, transaction, cancellationToken);
    }

    public string InArray(string parameter) => inner.InArray(parameter);

    public string BatchRows(params string[] columns) => inner.BatchRows(columns);

    public object BatchParameters(IReadOnlyList<(string Column, Array Values)> columns) => inner.BatchParameters(columns);
}
