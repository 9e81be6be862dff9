using System.Runtime.CompilerServices;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.RateLimits;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Picks the policy of a request: the key's <c>rateLimit</c> override (named <c>key</c>), else its tier, else the default
/// tier; quotas: the key's <c>quota</c> fields, each falling back to the tier's. Tiers follow config reloads; key
/// changes arrive as a new <see cref="ApiKey"/> from the gateway's key cache.
/// </summary>
internal sealed class RateLimitPolicyResolver : IDisposable
{
    private readonly IDisposable? _subscription;
    private readonly ConditionalWeakTable<ApiKey, KeyPolicy> _keyPolicies = new();
    private readonly ConditionalWeakTable<WorkspaceLimits, WorkspacePolicy> _workspacePolicies = new();
    private volatile Tiers _tiers;

    public RateLimitPolicyResolver(IOptionsMonitor<RateLimitsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tiers = new Tiers(options.CurrentValue);
        // A reload that fails validation never reaches us (the monitor throws instead), so the last good tiers keep serving.
        _subscription = options.OnChange(o => _tiers = new Tiers(o));
    }

    public RateLimitPolicy Resolve(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var tiers = _tiers;
        var tier = key.Tier is { } name && tiers.ByName.TryGetValue(name, out var named) ? named : tiers.Default;
        if (key.RateLimit is null && key.Quota is null)
        {
            return tier;
        }
        // A key of its own limits gets its policy built once per key record and tier set, not per request: a changed
        // key arrives as a new ApiKey instance from the key cache, a reload of the tiers as a new Tiers.
        if (_keyPolicies.TryGetValue(key, out var cached) && ReferenceEquals(cached.Tiers, tiers))
        {
            return cached.Policy;
        }
        var policy = new RateLimitPolicy(
            key.RateLimit is null ? tier.Name : RateLimitPolicy.KeyOverrideName,
            key.RateLimit?.Limit ?? tier.Limit,
            key.RateLimit?.PeriodSeconds ?? tier.PeriodSeconds,
            key.Quota?.Daily ?? tier.Daily,
            key.Quota?.Monthly ?? tier.Monthly,
            tier.FailClosed);
        _keyPolicies.AddOrUpdate(key, new KeyPolicy(tiers, policy));
        return policy;
    }

    /// <summary>
    /// The limits of the workspace a request is served for, when it has its own: rate from its <c>rateLimit</c>, else its
    /// tier's; each quota from its <c>quota</c>, else its tier's. A tier the configuration no longer has adds nothing (a
    /// workspace never falls back to the default tier: that would pool all its keys into one key's limit). Built once per
    /// stored record and tier set, like a key's own policy.
    /// </summary>
    public WorkspaceLimit? ResolveWorkspace(WorkspaceLimitsEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Limits is not { } limits)
        {
            return null;
        }
        var tiers = _tiers;
        if (!_workspacePolicies.TryGetValue(limits, out var cached) || !ReferenceEquals(cached.Tiers, tiers))
        {
            var tier = limits.Tier is { } name && tiers.ByName.TryGetValue(name, out var named) ? named : null;
            var rate = limits.RateLimit;
            cached = new WorkspacePolicy(tiers, RateLimitPolicy.ForWorkspace(
                rate?.Limit ?? tier?.Limit,
                rate?.PeriodSeconds ?? tier?.PeriodSeconds,
                limits.Quota?.Daily ?? tier?.Daily,
                limits.Quota?.Monthly ?? tier?.Monthly,
                tier?.FailClosed ?? false));
            _workspacePolicies.AddOrUpdate(limits, cached);
        }
        return cached.Policy is { } policy ? new WorkspaceLimit(entry.StateId, policy) : null;
    }

    public void Dispose() => _subscription?.Dispose();

    /// <summary>A key's own policy, valid while <see cref="Tiers"/> is the current tier set.</summary>
    private sealed record KeyPolicy(Tiers Tiers, RateLimitPolicy Policy);

    /// <summary>A workspace's policy (null: nothing to limit), valid while <see cref="Tiers"/> is the current tier set.</summary>
    private sealed record WorkspacePolicy(Tiers Tiers, RateLimitPolicy? Policy);

    private sealed class Tiers
    {
        public Tiers(RateLimitsOptions options)
        {
            ByName = options.Tiers.ToDictionary(
                t => t.Key,
                t => new RateLimitPolicy(t.Key, t.Value.Limit, t.Value.PeriodSeconds, t.Value.Daily, t.Value.Monthly, t.Value.FailsClosed),
                StringComparer.OrdinalIgnoreCase);
            Default = ByName[options.DefaultTier];
        }

        public Dictionary<string, RateLimitPolicy> ByName { get; }

        public RateLimitPolicy Default { get; }
    }
}
