using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Keys.Mutations;

/// <summary>
/// Mints secrets and hands on only their hashes for storing. The plaintext leaves through the returned pair once, to be
/// shown in the creating response, and is kept nowhere. Builds imported keys too, from the hash they come with.
/// </summary>
public sealed class KeyMinter(KeyFormat format, KeyHasher hasher, TimeProvider time)
{
    public (string Plaintext, NewKey Key) MintKey(KeySpec spec, string lineageId, string? rotatedFrom, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(actor);
        var plaintext = format.Mint(spec.Mode);
        return (plaintext, new NewKey(Build(spec, KeyFormat.VisiblePrefix(plaintext), lineageId, rotatedFrom, actor), hasher.Hash(plaintext)));
    }

    /// <summary>
    /// A key from another system: no secret is minted, the hash is stored as given (the plain SHA-256 the gateway looks
    /// imported tokens up by), in a lineage of its own.
    /// </summary>
    public NewKey Import(KeyImport item, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(actor);
        return new NewKey(Build(item.Spec, item.Prefix, Ids.New("lin"), rotatedFrom: null, actor), item.Hash);
    }

    private ApiKey Build(KeySpec spec, string prefix, string lineageId, string? rotatedFrom, Actor actor)
    {
        return new ApiKey
        {
            Id = Ids.New("key"),
            Name = spec.Name,
            Prefix = prefix,
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
    }

    public (string Plaintext, AdminCredential Credential, KeyHash Hash) MintAdmin(string name, AdminRole role, string? createdBy)
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

    /// <summary>
    /// The first owner credential. With <paramref name="configuredSecret"/> (<c>Admin:BootstrapKey</c>) that secret becomes
    /// the credential; otherwise one is generated, to be printed once.
    /// </summary>
    public (string Plaintext, AdminCredential Credential, KeyHash Hash) MintBootstrap(string? configuredSecret)
    {
        var minted = MintAdmin("bootstrap", AdminRole.Owner, createdBy: null);
        if (string.IsNullOrEmpty(configuredSecret))
        {
            return minted;
        }
        // The listed and audited "prefix" of an operator-chosen secret is the credential id: any part of a chosen
        // secret (even one in our key shape, which may be a password with a valid checksum) narrows a guess.
        return (configuredSecret, minted.Credential with { Prefix = minted.Credential.Id }, hasher.Hash(configuredSecret));
    }
}
