namespace ApiGateway.Keys.Storage;

/// <summary>
/// The named locks a write transaction takes around a rule over many rows (see <see cref="IStoreDialect.LockAsync"/>). On
/// Postgres each is the first key of a two-int advisory lock, the second being a hash of the locked name; on SQLite the
/// database write lock already covers them.
/// </summary>
public enum AdvisoryLock
{
    /// <summary>Schema migrations (name: <c>schema</c>).</summary>
    Migrations = 0x4147_5701,
    /// <summary>The per-owner active-key cap (name: the owner).</summary>
    Owner = 0x4147_5702,
    /// <summary>Creating the first admin credential (name: <c>bootstrap</c>).</summary>
    AdminBootstrap = 0x4147_5703,
    /// <summary>Revoking an admin credential, so the last-owner check sees every earlier revocation (name: <c>admin_credentials</c>).</summary>
    AdminRevocation = 0x4147_5704,
    /// <summary>Importing keys, so two imports of one hash cannot both pass the "not stored yet" check (name: <c>import</c>).</summary>
    KeyImport = 0x4147_5705,
    /// <summary>Setting or removing one workspace's limits, so the change and its audit see what the previous writer committed (name: the workspace id).</summary>
    WorkspaceLimits = 0x4147_5706,
}
