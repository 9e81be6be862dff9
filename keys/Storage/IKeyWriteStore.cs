using System.Data.Common;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// The write side of the store: one write transaction per call. Which rows to read and write, and the rules between
/// them, belong to the caller (<see cref="Mutations.KeyMutationService"/>); the store only knows the SQL of each step.
/// </summary>
public interface IKeyWriteStore
{
    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction and commits when it returns; nothing is written if it throws.
    /// A <paramref name="work"/> that writes nothing (a refusal) commits nothing.
    /// </summary>
    Task<T> WriteAsync<T>(Func<IKeyStoreWriter, Task<T>> work, CancellationToken cancellationToken);
}

/// <summary>
/// The steps of one write transaction. Reads that a rule depends on hold what keeps a concurrent writer from changing
/// the answer before commit: the key or credential row lock, the owner's lock, the admin-revocation and bootstrap locks
/// (on SQLite all are the database write lock).
/// </summary>
public interface IKeyStoreWriter
{
    /// <summary>The transaction's connection, for a step this interface does not name (an outbox row).</summary>
    DbConnection Connection { get; }

    DbTransaction Transaction { get; }

    /// <summary>The key, locked until commit; null when there is no such key.</summary>
    Task<ApiKey?> LockKeyAsync(string id);

    /// <summary>The key whose secret has this hash, locked until commit; null when there is none.</summary>
    Task<ApiKey?> LockKeyByHashAsync(KeyHash hash);

    /// <summary>
    /// Takes the import lock (until commit), then returns which of <paramref name="hashes"/> a stored key already has.
    /// </summary>
    Task<IReadOnlySet<KeyHash>> FindStoredHashesAsync(IReadOnlyList<KeyHash> hashes);

    /// <summary>Takes <paramref name="owner"/>'s lock (until commit), then counts the owner's keys active at <paramref name="now"/>.</summary>
    Task<long> CountActiveKeysAsync(string owner, DateTimeOffset now);

    /// <summary>Stores a new key (and its lineage, when it starts one).</summary>
    Task InsertKeyAsync(NewKey key);

    /// <summary>Writes the fields a PATCH may change.</summary>
    Task UpdateKeyAsync(ApiKey key);

    /// <summary>Writes how the key ends: <c>revokedAt</c>, <c>expiresAt</c> and <c>rotatedTo</c>.</summary>
    Task EndKeyAsync(ApiKey key);

    /// <summary>Writes a leak report's outcome: <c>revokedAt</c>, <c>leakedAt</c> and <c>leakSource</c>.</summary>
    Task RecordLeakAsync(ApiKey key);

    /// <summary>Appends the key to the change feed gateways poll.</summary>
    Task AppendChangeAsync(string keyId);

    Task AppendAuditAsync(string action, Actor actor, string? keyId, string? keyName, string? details);

    /// <summary>Takes the bootstrap lock (until commit), then tells whether any admin credential exists.</summary>
    Task<bool> AnyAdminAsync();

    /// <summary>Takes the admin-revocation lock (until commit), then reads the credential under its row lock; null when none.</summary>
    Task<AdminCredential?> LockAdminAsync(string id);

    /// <summary>Active owner credentials other than <paramref name="id"/>; take <see cref="LockAdminAsync"/> first.</summary>
    Task<long> CountOtherActiveOwnersAsync(string id);

    Task InsertAdminAsync(AdminCredential credential, KeyHash hash);

    Task RevokeAdminAsync(string id, DateTimeOffset at);

    /// <summary>Takes the workspace's limits lock (until commit), then reads its limits; null when it has none.</summary>
    Task<WorkspaceLimits?> LockWorkspaceLimitsAsync(string workspaceId);

    /// <summary>Stores the workspace's limits, replacing any it had; take <see cref="LockWorkspaceLimitsAsync"/> first.</summary>
    Task WriteWorkspaceLimitsAsync(WorkspaceLimits limits);

    /// <summary>Removes the workspace's limits; take <see cref="LockWorkspaceLimitsAsync"/> first.</summary>
    Task DeleteWorkspaceLimitsAsync(string workspaceId);
}
