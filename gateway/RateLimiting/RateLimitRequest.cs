namespace ApiGateway.Gateway.RateLimiting;

/// <summary>One request to admit: the key lineage whose state it spends, and the policy resolved for the key.</summary>
internal readonly record struct RateLimitRequest(string LineageId, RateLimitPolicy Policy);
