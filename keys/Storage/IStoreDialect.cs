using System.Data.Common;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// What truly differs between the engines under the one implementation of each store (<see cref="KeyStore"/>,
/// <see cref="AdminCredentialStore"/>, <see cref="UsageStore"/>, <see cref="KeyChangeFeed"/>): how a connection opens,
/// how a write transaction starts and what it locks, and how a batch of rows reaches one statement. Everything else
/// (the SQL of each step, the rules, the order of the steps) is written once.
/// </summary>
/// <remarks>
/// SQLite serialises writers on the whole database (<c>BEGIN IMMEDIATE</c>), so its row, named and change-feed locks
/// are already held and cost nothing. Postgres runs read committed and takes only what each step names: a row lock on
/// the row it will change, a transaction-scoped advisory lock around a rule over many rows, and the change-feed lock.
/// </remarks>
public interface IStoreDialect
{
    /// <summary>A connection from the engine's pool, ready for use; dispose it at the end of the operation.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A transaction for read-check-write steps; every rule a write depends on is read inside it.</summary>
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A read-only transaction whose statements share one snapshot (a count and the page it counts).</summary>
    Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Appended to a one-row SELECT in a write transaction: holds the row until commit, so a concurrent writer of it waits.</summary>
    string RowLock { get; }

    /// <summary>
    /// Appended to a SELECT of rows to claim (webhook deliveries): locks the rows it returns until commit and passes over
    /// rows another transaction holds, so concurrent claimers each take different rows without waiting.
    /// </summary>
    string SkipLocked { get; }

    /// <summary>
    /// Holds (<paramref name="lockClass"/>, <paramref name="name"/>) until the transaction ends, so every writer that
    /// checks the same many-row rule (the owner's key cap, the last owner) takes turns and sees what the previous one committed.
    /// </summary>
    Task LockAsync(DbConnection connection, DbTransaction transaction, AdvisoryLock lockClass, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Locks the key rows <paramref name="ids"/> (already sorted) in that order before a batch updates them: two batches
    /// over the same keys then take their locks in the same order and cannot deadlock.
    /// </summary>
    Task LockKeysInOrderAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Taken before a change-feed row is appended and held until commit, so feed sequence order is commit order: a poller
    /// reading "after the last sequence seen" never skips a row that committed late.
    /// </summary>
    Task LockChangeFeedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>"Is one of the array parameter <paramref name="parameter"/>", written after a column (<c>key_id</c> + this).</summary>
    string InArray(string parameter);

    /// <summary>
    /// A FROM item named <c>batch</c> whose columns are <paramref name="columns"/>, filled from the parameters
    /// <see cref="BatchParameters"/> makes (parameter names are the column names).
    /// </summary>
    string BatchRows(params string[] columns);

    /// <summary>The parameters of a statement over <see cref="BatchRows"/>: one array per column, all of one length.</summary>
    object BatchParameters(IReadOnlyList<(string Column, Array Values)> columns);
}
