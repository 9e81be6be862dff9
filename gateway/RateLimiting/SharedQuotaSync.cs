namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// What a gateway sends with a Redis decision about a lineage's quota counters: the counts it knows were spent (the
/// script seeds a counter it does not have with them: Redis restarted without persistence) and the spends its fallback
/// admitted while Redis was unreachable (the script adds them to a counter it still has).
/// </summary>
internal readonly record struct SharedQuotaSync(long DaySpent, long MonthSpent, long DayUnmerged, long MonthUnmerged);

/// <summary>One subject's side of a Redis decision, for <see cref="QuotaLedger.EndShared(in SharedOutcome, in SharedOutcome, UtcCalendar, bool, long)"/>:
/// its cell, what was sent for it, and the day and month counts Redis answered.</summary>
internal readonly record struct SharedOutcome(LineageCell Cell, string LineageId, SharedQuotaSync Sent, long DayCount, long MonthCount);
