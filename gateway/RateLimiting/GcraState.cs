namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// What a lineage's bucket stores: <see cref="Tat"/>, the UTC ticks at which the bucket is full again (GCRA's theoretical
/// arrival time), and <see cref="EmissionTicks"/>, the emission interval the debt <c>Tat - now</c> was spent at (0 before
/// first use). Redis holds the same two numbers (<see cref="RedisRateLimitScript"/>, fields <c>t</c> and <c>e</c>).
/// </summary>
internal readonly record struct GcraState(long Tat, long EmissionTicks);
