using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>Hashed admin-API credentials. Creating and revoking them is audited like key changes.</summary>
public interface IAdminCredentialStore
{
    Task<AdminCredential?> FindActiveByHashAsync(KeyHash hash, CancellationToken cancellationToken);

    Task<AdminCredential> CreateAsync(AdminCredential credential, KeyHash hash, Actor actor, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="credential"/> only if no admin credential exists yet; false when one did.</summary>
    Task<bool> TryBootstrapAsync(AdminCredential credential, KeyHash hash, CancellationToken cancellationToken);

    Task<IReadOnlyList<AdminCredential>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Revokes now (idempotent), unless it is the last active owner credential: that check and the revocation are one step
    /// under the store's write lock, so two owners revoking each other at once leave one of them.
    /// </summary>
    Task<RevokeAdminOutcome> RevokeAsync(string id, Actor actor, CancellationToken cancellationToken);

    /// <summary>Appends an <c>admin.signin_failed</c> audit event (actor <see cref="Actor.Anonymous"/>).</summary>
    Task RecordFailedSignInAsync(FailedSignIn failure, CancellationToken cancellationToken);
}

public enum RevokeAdminStatus
{
    /// <summary>Revoked now, or already revoked earlier (then nothing changed).</summary>
    Revoked,
    NotFound,
    /// <summary>The only active owner credential: revoking it would lock every owner out.</summary>
    LastOwner,
}

/// <summary>The credential as it now stands (null when not found).</summary>
public sealed record RevokeAdminOutcome(RevokeAdminStatus Status, AdminCredential? Credential);
