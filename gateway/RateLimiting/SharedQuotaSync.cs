namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// What a gateway sends with a Redis decision about a lineage's quota counters: the counts it knows were spent (the
/// script seeds a counter it does not have with them: Redis restarted without persistence) and the spends its fallback
/// admitted while Redis was unreachable (the script adds them to a counter it still has).
/// </summary>
internal readonly record struct SharedQuotaSync(long DaySpent, long MonthSpent, long DayUnmerged, long MonthUnmerged);
