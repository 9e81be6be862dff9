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

    /// <summary>Revokes now (idempotent); null when no such credential exists.</summary>
    Task<AdminCredential?> RevokeAsync(string id, Actor actor, CancellationToken cancellationToken);
}
