namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The GCRA arithmetic as pure functions of a stored <see cref="GcraState"/>, the request's policy and the clock.
/// <see cref="TryAdmit"/> hands back the state to store only when the bucket admits; a caller that refuses (for rate,
/// or for a quota) keeps the state it had, so a refusal can never change a bucket. (Writing a computed state before
/// knowing the answer once let a refused request on a sibling key with a smaller limit clamp the lineage's debt to its
/// own bucket, giving the rest back: docs/rate-limits.md.)
/// <para>
/// One lineage can see several policies at once (a rotation with grace plus a PATCH leaves two live keys with different
/// limits). The debt is then counted in requests: <c>Tat - now</c> ticks spent at the stored emission interval are
/// converted to the request's interval, rounded up so a conversion never gives a request back. An admitted request
/// stores the debt in its own interval; a refused one leaves it draining at the interval it was spent at. So over any
/// window of <c>W</c> ticks a lineage admits at most <c>max Limit + W / min EmissionTicks</c> of the policies it used,
/// and a policy at most its own <c>Limit + W / min EmissionTicks</c> (GcraPropertyTests checks both).
/// </para>
/// </summary>
internal static class Gcra
{
    /// <summary>
    /// Whether one more request fits the bucket now. On true, <paramref name="admitted"/> is the state to store; on false,
    /// <paramref name="retryAfter"/> is how long until this policy would admit, if nothing else spends meanwhile.
    /// </summary>
    public static bool TryAdmit(GcraState state, RateLimitPolicy policy, long now, out GcraState admitted, out long retryAfter)
    {
        var behind = Math.Max(0, state.Tat - now);
        var debt = ToPolicyTicks(behind, state.EmissionTicks, policy.EmissionTicks);
        var mostDebt = policy.BurstTicks - policy.EmissionTicks; // the debt at which one more request still fits
        if (debt <= mostDebt)
        {
            admitted = new GcraState(now + debt + policy.EmissionTicks, policy.EmissionTicks);
            retryAfter = 0;
            return true;
        }
        admitted = state;
        // The stored debt drains at its own interval: wait until it converts to no more than mostDebt.
        retryAfter = behind - ScaleDown(mostDebt, policy.EmissionTicks, state.EmissionTicks);
        return false;
    }

    /// <summary>Requests the bucket still holds for <paramref name="policy"/>, in the state after the decision.</summary>
    public static long Remaining(GcraState state, RateLimitPolicy policy, long now)
    {
        var debt = ToPolicyTicks(Math.Max(0, state.Tat - now), state.EmissionTicks, policy.EmissionTicks);
        return debt >= policy.BurstTicks ? 0 : (policy.BurstTicks - debt) / policy.EmissionTicks;
    }

    /// <summary>Time until the bucket is full again, if nothing spends meanwhile.</summary>
    public static long ResetAfter(GcraState state, long now) => Math.Max(0, state.Tat - now);

    /// <summary>Debt of <paramref name="ticks"/> spent at <paramref name="from"/> per request, counted at <paramref name="to"/>; rounded up.</summary>
    private static long ToPolicyTicks(long ticks, long from, long to) =>
        from == to || from == 0 || ticks == 0 ? ticks : (long)((((Int128)ticks * to) + from - 1) / from);

    /// <summary>The inverse conversion, rounded down: the most stored debt that still converts to at most <paramref name="ticks"/>.</summary>
    private static long ScaleDown(long ticks, long from, long to) =>
        from == to || to == 0 ? ticks : (long)((Int128)ticks * to / from);
}
