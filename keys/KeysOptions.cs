namespace ApiGateway.Keys;

/// <summary>The <c>Keys</c> section: how keys are minted and hashed (README "Configuration"); validated at start by <see cref="KeysOptionsValidator"/>.</summary>
public sealed class KeysOptions
{
    public const string SectionName = "Keys";

    /// <summary>Product prefix of minted keys, e.g. <c>agw</c> in <c>agw_live_…</c>.</summary>
    public string Prefix { get; set; } = "agw";

    /// <summary>Optional secret; when set, stored hashes are HMAC-SHA-256 with it. Changing it invalidates every key.</summary>
    public string? Pepper { get; set; }

    /// <summary>Active keys one owner may hold; revoked and expired keys do not count.</summary>
    public int MaxActivePerOwner { get; set; } = 10;

    /// <summary>
    /// A .NET regex (whole token) for keys imported from another system; a token that matches is looked up by its SHA-256.
    /// Unset: only our own format is accepted.
    /// </summary>
    public string? ImportedKeyPattern { get; set; }
}
