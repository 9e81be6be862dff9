namespace ApiGateway.Gateway.Authentication;

internal enum KeyLookupStatus
{
    Found,
    /// <summary>No key has this hash (now, or as last confirmed).</summary>
    Unknown,
    /// <summary>The store could not be read and nothing fresh enough is cached.</summary>
    StoreUnavailable,
}

internal readonly record struct KeyLookup(KeyLookupStatus Status, CachedKey? Entry)
{
    public static readonly KeyLookup Unknown = new(KeyLookupStatus.Unknown, null);
    public static readonly KeyLookup StoreUnavailable = new(KeyLookupStatus.StoreUnavailable, null);
}
