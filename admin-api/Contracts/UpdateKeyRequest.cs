using System.Text.Json.Serialization;

namespace ApiGateway.AdminApi.Contracts;

/// <summary>
/// <c>PATCH /v1/keys/{id}</c> as a JSON merge patch (RFC 7396): an absent field is left alone, <c>null</c> clears it.
/// The setters record presence, because System.Text.Json calls them only for fields the body has.
/// </summary>
public sealed class UpdateKeyRequest
{
    private string? _name;
    private IReadOnlyList<string?>? _scopes;
    private string? _tier;
    private RateLimitRequest? _rateLimit;
    private QuotaRequest? _quota;
    private IReadOnlyList<string?>? _allowedIps;
    private DateTimeOffset? _expiresAt;
    private bool? _enabled;

    public string? Name { get => _name; set { _name = value; HasName = true; } }
    public IReadOnlyList<string?>? Scopes { get => _scopes; set { _scopes = value; HasScopes = true; } }
    public string? Tier { get => _tier; set { _tier = value; HasTier = true; } }
    public RateLimitRequest? RateLimit { get => _rateLimit; set { _rateLimit = value; HasRateLimit = true; } }
    public QuotaRequest? Quota { get => _quota; set { _quota = value; HasQuota = true; } }
    public IReadOnlyList<string?>? AllowedIps { get => _allowedIps; set { _allowedIps = value; HasAllowedIps = true; } }
    public DateTimeOffset? ExpiresAt { get => _expiresAt; set { _expiresAt = value; HasExpiresAt = true; } }
    /// <summary><c>false</c> pauses the key (the gateway answers 403 "API key is disabled"), <c>true</c> resumes it.</summary>
    public bool? Enabled { get => _enabled; set { _enabled = value; HasEnabled = true; } }

    [JsonIgnore] public bool HasName { get; private set; }
    [JsonIgnore] public bool HasScopes { get; private set; }
    [JsonIgnore] public bool HasTier { get; private set; }
    [JsonIgnore] public bool HasRateLimit { get; private set; }
    [JsonIgnore] public bool HasQuota { get; private set; }
    [JsonIgnore] public bool HasAllowedIps { get; private set; }
    [JsonIgnore] public bool HasExpiresAt { get; private set; }
    [JsonIgnore] public bool HasEnabled { get; private set; }
}
