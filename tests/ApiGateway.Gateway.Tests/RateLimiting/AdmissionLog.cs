using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// The requests a limiter admitted in a <see cref="GcraScenario"/>, and the bounds they must respect (derived in
/// <see cref="Gcra"/>'s remarks). Over any window of <c>W</c> ticks between two admissions, with <c>eMin</c> the
/// smallest emission interval among the policies used: all admissions ≤ <c>max Limit + W / eMin</c>, and one policy's
/// admissions ≤ its <c>Limit + W / eMin</c> (with a single policy, exactly the GCRA bound <c>Limit + W / EmissionTicks</c>).
/// Within one UTC day a policy with a daily quota admits at most that many, within a month its monthly quota.
/// </summary>
internal sealed class AdmissionLog(GcraScenario scenario)
{
    private readonly List<(long At, int Policy)> _admitted = [];

    public int Count => _admitted.Count;

    public void Admitted(long at, int policy) => _admitted.Add((at, policy));

    public void AssertWithinBounds()
    {
        var policies = scenario.Policies;
        var used = _admitted.Select(a => a.Policy).Distinct().ToList();
        if (used.Count == 0)
        {
            return;
        }
        var minEmission = used.Min(p => policies[p].EmissionTicks);
        var maxLimit = used.Max(p => policies[p].Limit);
        var perPolicy = new int[policies.Count];
        for (var first = 0; first < _admitted.Count; first++)
        {
            Array.Clear(perPolicy);
            for (var last = first; last < _admitted.Count; last++)
            {
                var refill = (_admitted[last].At - _admitted[first].At) / minEmission;
                var policy = _admitted[last].Policy;
                perPolicy[policy]++;
                var all = last - first + 1;
                if (all > maxLimit + refill || perPolicy[policy] > policies[policy].Limit + refill)
                {
                    Assert.Fail($"{scenario}: {all} admitted ({perPolicy[policy]} by {policies[policy].Name}) between admissions {first} and {last}, "
                        + $"{TimeSpan.FromTicks(_admitted[last].At - _admitted[first].At)} apart; the bound is {maxLimit + refill} ({policies[policy].Limit + refill} for the policy).");
                }
            }
        }
        foreach (var day in _admitted.GroupBy(a => a.At / TimeSpan.TicksPerDay))
        {
            AssertQuota(day, p => p.Daily, "day");
        }
        foreach (var month in _admitted.GroupBy(a => new DateTime(a.At, DateTimeKind.Utc).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)))
        {
            AssertQuota(month, p => p.Monthly, "month");
        }
    }

    private void AssertQuota<TKey>(IGrouping<TKey, (long At, int Policy)> period, Func<RateLimitPolicy, long?> quota, string name)
    {
        foreach (var byPolicy in period.GroupBy(a => a.Policy))
        {
            if (quota(scenario.Policies[byPolicy.Key]) is { } limit)
            {
                Assert.True(byPolicy.Count() <= limit, $"{scenario}: {byPolicy.Count()} admitted by {scenario.Policies[byPolicy.Key].Name} in {name} {period.Key}, quota {limit}.");
            }
        }
    }
}
