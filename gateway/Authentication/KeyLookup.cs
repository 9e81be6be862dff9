namespace ApiGateway.Gateway.Authentication;

internal enum KeyLookupStatus
{
    Found,
    /// <summary>No key has this hash (now, or as last confirmed).</summary>
    Unknown,
    /// <summary>The store could not be read and nothing fresh enough is cached.</summary>
    StoreUnavailable,
    /// <summary>
    /// Not cached, and the client's failed-lookup budget is spent (<see cref="FailedLookupBudget"/>): refused without a
    /// store query until <see cref="KeyLookup.RetryAfter"/> has passed.
    /// </summary>
    Throttled,
}

internal readonly record struct KeyLookup(KeyLookupStatus Status, CachedKey? Entry, TimeSpan RetryAfter = default)
{
    public static readonly KeyLookup Unknown = new(KeyLookupStatus.Unknown, null);
    public static readonly KeyLookup StoreUnavailable = new(KeyLookupStatus.StoreUnavailable, null);

    public static KeyLookup Throttled(TimeSpan retryAfter) => new(KeyLookupStatus.Throttled, null, retryAfter);
}
