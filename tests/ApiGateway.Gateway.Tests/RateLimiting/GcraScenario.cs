using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// A seeded random run against one lineage: one to three policies (different limits, periods and quotas, as two live
/// keys of a lineage have after a rotation with grace and a PATCH) and a sequence of requests, each naming its policy
/// and how far the clock moves before it (often not at all, sometimes across a refill or a UTC day).
/// </summary>
internal sealed class GcraScenario
{
    private GcraScenario(int seed, IReadOnlyList<RateLimitPolicy> policies, IReadOnlyList<(int Policy, long AdvanceTicks)> steps)
    {
        Seed = seed;
        Policies = policies;
        Steps = steps;
    }

    public int Seed { get; }

    public IReadOnlyList<RateLimitPolicy> Policies { get; }

    public IReadOnlyList<(int Policy, long AdvanceTicks)> Steps { get; }

    public static GcraScenario Generate(int seed, int steps, bool quotas)
    {
        var random = new Random(seed);
        var policies = new List<RateLimitPolicy>();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var limit = random.Next(2) == 0 ? random.Next(1, 6) : random.Next(1, 200);
            long? daily = quotas && random.Next(2) == 0 ? random.Next(1, 300) : null;
            long? monthly = quotas && random.Next(3) == 0 ? random.Next(1, 600) : null;
            policies.Add(new RateLimitPolicy($"p{policies.Count}", limit, random.Next(1, 30), daily, monthly));
        }
        var list = new List<(int, long)>(steps);
        // Runs of one policy make the sibling case (spend one key to 429, then switch) likely, not just possible.
        var current = 0;
        for (var i = 0; i < steps; i++)
        {
            if (random.Next(8) == 0)
            {
                current = random.Next(policies.Count);
            }
            var policy = random.Next(6) == 0 ? random.Next(policies.Count) : current;
            var advance = random.Next(10) switch
            {
                < 5 => 0L,
                < 8 => random.NextInt64(policies[policy].EmissionTicks * 3),
                < 9 => random.NextInt64(TimeSpan.TicksPerSecond * 40),
                _ => random.Next(40) == 0 ? TimeSpan.TicksPerHour * random.Next(1, 30) : random.NextInt64(TimeSpan.TicksPerSecond),
            };
            list.Add((policy, advance));
        }
        return new GcraScenario(seed, policies, list);
    }

    public override string ToString() =>
        $"seed {Seed}: " + string.Join(", ", Policies.Select(p => $"{p.Name} {p.Limit}/{p.PeriodSeconds}s d={p.Daily} m={p.Monthly}"));
}
