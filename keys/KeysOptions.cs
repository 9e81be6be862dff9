using System.ComponentModel.DataAnnotations;
using ApiGateway.Keys.Format;

namespace ApiGateway.Keys;

/// <summary>The <c>Keys</c> section: how keys are minted and hashed (DESIGN.md settings table).</summary>
public sealed class KeysOptions : IValidatableObject
{
    public const string SectionName = "Keys";

    /// <summary>Product prefix of minted keys, e.g. <c>agw</c> in <c>agw_live_…</c>.</summary>
    public string Prefix { get; set; } = "agw";

    /// <summary>Optional secret; when set, stored hashes are HMAC-SHA-256 with it. Changing it invalidates every key.</summary>
    public string? Pepper { get; set; }

    /// <summary>Active keys one owner may hold; revoked and expired keys do not count.</summary>
    [Range(1, 100_000)]
    public int MaxActivePerOwner { get; set; } = 10;

    /// <summary>
    /// A .NET regex (whole token) for keys imported from another system; a token that matches is looked up by its SHA-256.
    /// Unset: only our own format is accepted.
    /// </summary>
    public string? ImportedKeyPattern { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!KeyFormat.IsValidProductPrefix(Prefix))
        {
            yield return new ValidationResult("Keys:Prefix must be 1-20 characters of a-z and 0-9.", [nameof(Prefix)]);
        }
        if (Format.ImportedKeyPattern.Check(ImportedKeyPattern) is { } error)
        {
            yield return new ValidationResult($"Keys:ImportedKeyPattern is not a valid .NET regular expression: {error}", [nameof(ImportedKeyPattern)]);
        }
    }
}
