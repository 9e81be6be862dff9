using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// Reading hashed admin-API credentials, and the sign-in throttle's audit row. Creating and revoking them (audited like key changes) goes through
/// <see cref="Mutations.KeyMutationService"/>.
/// </summary>
public interface IAdminCredentialStore
{
    Task<AdminCredential?> FindActiveByHashAsync(KeyHash hash, CancellationToken cancellationToken);

    /// <summary>In creation order: the bootstrap owner first.</summary>
    Task<IReadOnlyList<AdminCredential>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends an <c>admin.signin_failed</c> audit event (actor <see cref="Actor.Anonymous"/>). Deliberately not a
    /// <see cref="Mutations.KeyMutationService"/> mutation: it is the sign-in throttle's bookkeeping, changes no key or
    /// credential, has no rule to check under a lock, and must not wake gateways or feed mutation hooks (webhooks of key
    /// changes); a failed sign-in is no change to announce.
    /// </summary>
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
