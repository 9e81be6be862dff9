using ApiGateway.AdminApi.Scopes;
using ApiGateway.Keys;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.RateLimits;

namespace ApiGateway.AdminApi.Validation;

/// <summary>Checks a whole request, collecting every failure, and turns a valid one into what <c>keys/</c> takes.</summary>
internal sealed class KeyRequestValidator(ScopeCatalogueSource catalogue, IOptionsMonitor<RateLimitsOptions> rateLimits, TimeProvider time)
{
    /// <summary>Rotation grace periods are capped at 30 days: longer overlaps defeat the point of rotating.</summary>
    public const int MaxGracePeriodSeconds = 30 * 24 * 3600;
    public const int MaxImportKeys = 1000;
    public const int MinImportPrefixLength = 4;

    public KeySpec? Validate(CreateKeyRequest request, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValidateKeyFields(request, request.ExpiresInDays, errors);
    }

    /// <summary>A new key's fields, minted or imported; only a mint may give its end in days.</summary>
    private KeySpec? ValidateKeyFields(KeyFieldsRequest request, int? expiresInDays, ValidationErrors errors)
    {
        var now = time.GetUtcNow();
        var name = KeyFieldRules.Text("name", request.Name, KeyFieldRules.MaxNameLength, required: true, errors);
        var workspaceId = KeyFieldRules.WorkspaceId(request.WorkspaceId, errors);
        var scopes = KeyFieldRules.Scopes(request.Scopes, catalogue.Current, errors);
        var owner = KeyFieldRules.HeaderValue("owner", request.Owner, KeyFieldRules.MaxOwnerLength, errors);
        var mode = KeyMode.Live;
        if (request.Mode is not null && !(KeyModeNames.TryParse(request.Mode, out mode) && mode != KeyMode.Admin))
        {
            errors.Add("mode", "mode must be 'live' or 'test'.");
        }
        var expiresAt = KeyFieldRules.Expiry(request.ExpiresAt, expiresInDays, now, errors);
        var tier = KeyFieldRules.Tier(request.Tier, rateLimits.CurrentValue, errors);
        var rateLimit = KeyFieldRules.RateLimit(request.RateLimit, errors);
        var quota = KeyFieldRules.Quota(request.Quota, errors);
        var allowedIps = KeyFieldRules.AllowedIps(request.AllowedIps, errors);
        var workspaces = KeyFieldRules.Workspaces(request.Workspaces, errors);
        return errors.IsEmpty
            ? new KeySpec(name!, workspaceId!, scopes, owner, mode, expiresAt, tier, rateLimit, quota, allowedIps, workspaces)
            : null;
    }

    public KeyUpdate? Validate(UpdateKeyRequest request, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        var update = new KeyUpdate();
        if (request.HasName)
        {
            update = update with { Name = new(true, KeyFieldRules.Text("name", request.Name, KeyFieldRules.MaxNameLength, required: true, errors)!) };
        }
        if (request.HasScopes)
        {
            update = update with { Scopes = new(true, KeyFieldRules.Scopes(request.Scopes, catalogue.Current, errors)) };
        }
        if (request.HasTier)
        {
            update = update with { Tier = new(true, KeyFieldRules.Tier(request.Tier, rateLimits.CurrentValue, errors)) };
        }
        if (request.HasRateLimit)
        {
            update = update with { RateLimit = new(true, KeyFieldRules.RateLimit(request.RateLimit, errors)) };
        }
        if (request.HasQuota)
        {
            update = update with { Quota = new(true, KeyFieldRules.Quota(request.Quota, errors)) };
        }
        if (request.HasAllowedIps)
        {
            update = update with { AllowedIps = new(true, KeyFieldRules.AllowedIps(request.AllowedIps, errors)) };
        }
        if (request.HasExpiresAt)
        {
            update = update with { ExpiresAt = new(true, KeyFieldRules.FutureTime(request.ExpiresAt, time.GetUtcNow(), errors)) };
        }
        if (request.HasEnabled)
        {
            if (request.Enabled is { } enabled)
            {
                update = update with { Enabled = new(true, enabled) };
            }
            else
            {
                errors.Add("enabled", "enabled must be true or false.");
            }
        }
        return errors.IsEmpty ? update : null;
    }

    /// <summary>
    /// Workspace limits (docs/admin-api.md "Workspace limits"): <c>tier</c>, <c>rateLimit</c> and <c>quota</c> by the key's
    /// own rules, at least one of them set (each is then named, as any of them would do). Null when any failed.
    /// </summary>
    public WorkspaceLimitsSpec? Validate(WorkspaceLimitsRequest request, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Tier is null && request.RateLimit is null && request.Quota is null)
        {
            const string message = "Workspace limits need at least one of tier, rateLimit and quota (remove them with DELETE).";
            errors.Add("tier", message);
            errors.Add("rateLimit", message);
            errors.Add("quota", message);
            return null;
        }
        var tier = KeyFieldRules.Tier(request.Tier, rateLimits.CurrentValue, errors);
        var rateLimit = KeyFieldRules.RateLimit(request.RateLimit, errors);
        var quota = KeyFieldRules.Quota(request.Quota, errors);
        return errors.IsEmpty ? new WorkspaceLimitsSpec(tier, rateLimit, quota) : null;
    }

    /// <summary>
    /// An import body: 1-<see cref="MaxImportKeys"/> items, each checked like a mint plus its <c>hash</c> (64 hex digits, the
    /// SHA-256 of the plaintext) and <c>prefix</c> (4-16 visible ASCII characters); every failure is named
    /// <c>keys[i].field</c>. Null when any failed, so nothing is stored.
    /// </summary>
    public IReadOnlyList<KeyImport>? Validate(ImportKeysRequest request, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Keys is not { Count: >= 1 and <= MaxImportKeys } items)
        {
            errors.Add("keys", $"keys must hold 1-{MaxImportKeys} keys.");
            return null;
        }
        var imports = new List<KeyImport>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                errors.Add($"keys[{i}]", "Each entry must be a key object.");
                continue;
            }
            var itemErrors = new ValidationErrors();
            var hash = ImportedHash(item.Hash, itemErrors);
            if (item.Prefix is null || item.Prefix.Length < MinImportPrefixLength || !KeyFieldRules.IsHeaderValue(item.Prefix, KeyFormat.VisiblePrefixLength))
            {
                itemErrors.Add("prefix", $"prefix must be {MinImportPrefixLength}-{KeyFormat.VisiblePrefixLength} visible ASCII characters: the start of the key, to recognise it by.");
            }
            var spec = ValidateKeyFields(item, expiresInDays: null, itemErrors);
            if (itemErrors.IsEmpty)
            {
                imports.Add(new KeyImport(hash!.Value, item.Prefix!, spec!));
            }
            else
            {
                errors.AddAll($"keys[{i}].", itemErrors);
            }
        }
        return errors.IsEmpty ? imports : null;
    }

    private static KeyHash? ImportedHash(string? hex, ValidationErrors errors)
    {
        if (hex is { Length: KeyHash.Size * 2 } && hex.All(char.IsAsciiHexDigit))
        {
            return new KeyHash(Convert.FromHexString(hex));
        }
        errors.Add("hash", "hash must be the SHA-256 of the key's plaintext as 64 hex digits.");
        return null;
    }

    /// <summary>
    /// The fields a rotation copies that the gateway forwards as headers, checked on the stored key: a key written
    /// before these rules (or straight into the store) must not pass an unsendable value on to its successor.
    /// </summary>
    public static void ValidateInherited(ApiKey current, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.Owner is { } owner && !KeyFieldRules.IsHeaderValue(owner, KeyFieldRules.MaxOwnerLength))
        {
            errors.Add("owner", $"The key's owner is not 1-{KeyFieldRules.MaxOwnerLength} visible ASCII characters, so its successor could not be forwarded; mint a new key with a valid owner instead.");
        }
        if (!KeyFieldRules.IsWorkspaceId(current.WorkspaceId))
        {
            errors.Add("workspaceId", "The key's workspaceId is not a valid workspace id; mint a new key instead.");
        }
        if (current.Workspaces.Any(w => !KeyFieldRules.IsWorkspaceId(w)))
        {
            errors.Add("workspaces", "The key holds a workspace that is not a valid workspace id; mint a new key instead.");
        }
    }

    public (TimeSpan GracePeriod, DateTimeOffset? ExpiresAt) Validate(RotateKeyRequest? request, ValidationErrors errors)
    {
        request ??= new RotateKeyRequest();
        var grace = request.GracePeriodSeconds ?? 0;
        if (grace is < 0 or > MaxGracePeriodSeconds)
        {
            errors.Add("gracePeriodSeconds", $"gracePeriodSeconds must be 0-{MaxGracePeriodSeconds} (30 days).");
        }
        var expiresAt = KeyFieldRules.Expiry(request.ExpiresAt, request.ExpiresInDays, time.GetUtcNow(), errors);
        return (TimeSpan.FromSeconds(grace), expiresAt);
    }
}
