using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Keys;

/// <summary>
/// Mints secrets and hands the store only their hashes. The plaintext leaves through the returned
/// <see cref="IssuedKey"/> once, to be shown in the creation response, and is kept nowhere.
/// </summary>
public sealed class KeyIssuer(IKeyStore keys, IAdminCredentialStore admins, KeyFormat format, KeyHasher hasher, IOptions<KeysOptions> options, TimeProvider time)
{
    public async Task<IssueKeyResult> CreateAsync(KeySpec spec, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(actor);
        var (plaintext, newKey) = Mint(spec, Ids.New("lin"), rotatedFrom: null, actor);
        var outcome = await keys.CreateAsync(newKey, options.Value.MaxActivePerOwner, actor, cancellationToken);
        return outcome.Status == CreateKeyStatus.Created
            ? new IssueKeyResult(CreateKeyStatus.Created, new IssuedKey(outcome.Key!, plaintext))
            : new IssueKeyResult(outcome.Status, null);
    }

    /// <summary>
    /// Mints a successor copying everything but id, secret and dates. <paramref name="gracePeriod"/> zero revokes the
    /// old key now; otherwise it expires then. Without <paramref name="expiresAt"/> the successor gets the old key's lifetime length,
    /// capped at <see cref="KeyLifetime.Max"/> (an old key that expires in year 9999 must not overflow the successor's date).
    /// </summary>
    public async Task<RotateResult> RotateAsync(string id, TimeSpan gracePeriod, DateTimeOffset? expiresAt, Actor actor, CancellationToken cancellationToken)
    {
        var current = await keys.GetAsync(id, cancellationToken);
        if (current is null)
        {
            return new RotateResult(RotateKeyStatus.NotFound, null, null);
        }
        var now = time.GetUtcNow();
        var successorExpiry = expiresAt ?? (current.ExpiresAt is { } oldExpiry ? KeyLifetime.From(now, oldExpiry - current.CreatedAt) : null);
        var spec = new KeySpec(current.Name, current.WorkspaceId, current.Scopes, current.Owner, current.Mode, successorExpiry,
            current.Tier, current.RateLimit, current.Quota, current.AllowedIps, current.Workspaces);
        var (plaintext, successor) = Mint(spec, current.LineageId, current.Id, actor);
        var outcome = await keys.RotateAsync(id, successor, gracePeriod <= TimeSpan.Zero ? null : now + gracePeriod, options.Value.MaxActivePerOwner, actor, cancellationToken);
        return outcome.Status == RotateKeyStatus.Rotated
            ? new RotateResult(RotateKeyStatus.Rotated, new IssuedKey(outcome.Successor!, plaintext), outcome.Predecessor)
            : new RotateResult(outcome.Status, null, outcome.Predecessor);
    }

    public async Task<IssuedAdminCredential> CreateAdminAsync(string name, AdminRole role, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (plaintext, credential, hash) = MintAdmin(name, role, actor.Id);
        await admins.CreateAsync(credential, hash, actor, cancellationToken);
        return new IssuedAdminCredential(credential, plaintext);
    }

    /// <summary>
    /// Creates the first Owner credential unless one exists. With <paramref name="configuredSecret"/> (<c>Admin:BootstrapKey</c>)
    /// that secret becomes the credential; otherwise one is generated and returned to be printed once.
    /// </summary>
    public async Task<IssuedAdminCredential?> BootstrapAsync(string? configuredSecret, CancellationToken cancellationToken)
    {
        var (plaintext, credential, hash) = MintAdmin("bootstrap", AdminRole.Owner, createdBy: null);
        if (!string.IsNullOrEmpty(configuredSecret))
        {
            plaintext = configuredSecret;
            hash = hasher.Hash(configuredSecret);
            // The listed and audited "prefix" of an operator-chosen secret is the credential id: any part of a chosen
            // secret (even one in our key shape, which may be a password with a valid checksum) narrows a guess.
            credential = credential with { Prefix = credential.Id };
        }
        return await admins.TryBootstrapAsync(credential, hash, cancellationToken) ? new IssuedAdminCredential(credential, plaintext) : null;
    }

    private (string Plaintext, NewKey Key) Mint(KeySpec spec, string lineageId, string? rotatedFrom, Actor actor)
    {
        var plaintext = format.Mint(spec.Mode);
        var key = new ApiKey
        {
            Id = Ids.New("key"),
            Name = spec.Name,
            Prefix = KeyFormat.VisiblePrefix(plaintext),
            Mode = spec.Mode,
            WorkspaceId = spec.WorkspaceId,
            Workspaces = spec.Workspaces,
            Owner = spec.Owner,
            Scopes = spec.Scopes,
            Tier = spec.Tier,
            RateLimit = spec.RateLimit,
            Quota = spec.Quota,
            AllowedIps = spec.AllowedIps,
            LineageId = lineageId,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor.Id,
            ExpiresAt = spec.ExpiresAt,
            RotatedFrom = rotatedFrom,
        };
        return (plaintext, new NewKey(key, hasher.Hash(plaintext)));
    }

    private (string Plaintext, AdminCredential Credential, KeyHash Hash) MintAdmin(string name, AdminRole role, string? createdBy)
    {
        var plaintext = format.Mint(KeyMode.Admin);
        var credential = new AdminCredential
        {
            Id = Ids.New("adm"),
            Name = name,
            Prefix = KeyFormat.VisiblePrefix(plaintext),
            Role = role,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = createdBy,
        };
        return (plaintext, credential, hasher.Hash(plaintext));
    }
}

/// <summary>What a caller asks for when minting a key; validated by the admin API before it gets here.</summary>
public sealed record KeySpec(
    string Name,
    string WorkspaceId,
    IReadOnlyList<string> Scopes,
    string? Owner,
    KeyMode Mode,
    DateTimeOffset? ExpiresAt,
    string? Tier,
    RateLimitOverride? RateLimit,
    QuotaOverride? Quota,
    IReadOnlyList<string> AllowedIps,
    IReadOnlyList<string> Workspaces);

/// <summary>A stored key and its plaintext, which exists only in this object and the one response built from it.</summary>
public sealed record IssuedKey(ApiKey Key, string Plaintext)
{
    public override string ToString() => $"IssuedKey {{ Id = {Key.Id} }}";
}

public sealed record IssueKeyResult(CreateKeyStatus Status, IssuedKey? Issued);

public sealed record RotateResult(RotateKeyStatus Status, IssuedKey? Successor, ApiKey? Predecessor);

public sealed record IssuedAdminCredential(AdminCredential Credential, string Plaintext)
{
    public override string ToString() => $"IssuedAdminCredential {{ Id = {Credential.Id} }}";
}
