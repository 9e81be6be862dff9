using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// Seeded random runs (<see cref="GcraScenario"/>): any interleaving of one lineage's policies and clock steps admits no
/// more than <see cref="AdmissionLog"/>'s bounds, and a refusal leaves the lineage's state exactly as it was.
/// A failure names the seed, so it replays.
/// </summary>
public sealed class GcraPropertyTests
{
    [Fact]
    public void TryAdmit_AnyInterleaving_StaysWithinTheBounds()
    {
        for (var seed = 0; seed < 400; seed++)
        {
            var scenario = GcraScenario.Generate(seed, 600, quotas: false);
            var log = new AdmissionLog(scenario);
            var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero).UtcTicks;
            var state = default(GcraState);
            foreach (var (policy, advance) in scenario.Steps)
            {
                now += advance;
                if (Gcra.TryAdmit(state, scenario.Policies[policy], now, out var admitted, out var retryAfter))
                {
                    state = admitted;
                    log.Admitted(now, policy);
                }
                else
                {
                    // Retry-After is honest: not a tick earlier, and exactly then (nothing else spending) it admits.
                    Assert.False(Gcra.TryAdmit(state, scenario.Policies[policy], now + retryAfter - 1, out _, out _), scenario.ToString());
                    Assert.True(Gcra.TryAdmit(state, scenario.Policies[policy], now + retryAfter, out _, out _), scenario.ToString());
                }
            }
            log.AssertWithinBounds();
        }
    }

    [Fact]
    public async Task AcquireAsync_AnyInterleaving_StaysWithinTheBoundsAndRefusalsChangeNothing()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var scenario = GcraScenario.Generate(seed, 400, quotas: true);
            await using var h = await LimiterHarness.CreateAsync();
            var log = new AdmissionLog(scenario);
            foreach (var (policy, advance) in scenario.Steps)
            {
                h.Clock.Advance(TimeSpan.FromTicks(advance));
                var before = h.Limiter.Inspect("lin_a");
                var decision = await h.AcquireAsync(scenario.Policies[policy]);
                if (decision.IsAllowed)
                {
                    log.Admitted(h.Clock.GetUtcNow().UtcTicks, policy);
                }
                else if (before is { } unchanged)
                {
                    Assert.Equal(unchanged, h.Limiter.Inspect("lin_a"));
                }
            }
            log.AssertWithinBounds();
        }
    }
}
