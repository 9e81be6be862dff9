namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Decides one request against its lineage's bucket and quotas, atomically: either everything is spent (one rate
/// token and one unit of each quota) or nothing is. The local implementation keeps state in process; a shared one
/// (Redis, issue 11) must give the same answers in one round trip (a Lua script doing rate and quotas together).
/// Implementations should complete synchronously when they can: the middleware has a non-async fast path for that.
/// </summary>
internal interface IKeyRateLimiter
{
    ValueTask<RateLimitDecision> AcquireAsync(RateLimitRequest request, CancellationToken cancellationToken);
}
