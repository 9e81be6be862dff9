namespace ApiGateway.Gateway;

/// <summary>
/// Every event id the gateway logs, one scheme for the whole process as YARP keeps its own (<c>EventIds</c>): ids are
/// unique across categories, so an id alone finds the event in a log store; each folder has its own hundred, in pipeline
/// order. The names are the events' <c>EventName</c>s. New events take the next free id of their folder; ids are never reused.
/// </summary>
internal static class EventIds
{
    // Hosting/ (101-199)
    public const int ConnectionLimits = 101;
    public const int OpenFileLimitTooLow = 102;
    public const int ConnectionsRefused = 103;

    // Proxy/ (201-299)
    public const int ForwardEndedByClient = 201;
    public const int ForwardFailedUpstream = 202;
    public const int RoutesReloadUnreadable = 203;
    public const int RoutesReloadInvalid = 204;
    public const int RoutesInvalid = 205;
    public const int UpstreamCircuitOpened = 206;
    public const int UpstreamCircuitClosed = 207;
    public const int UpstreamCircuitOpen = 208;
    public const int UpstreamForwardFailed = 209;

    // RequestBodies/ (301-399)
    public const int RequestBodyDeclaredTooLarge = 301;

    // Access/ (401-499)
    public const int KeyRefused = 401;

    // Authentication/ (501-599)
    public const int KeyLookupFailed = 501;
    public const int KeyFeedFailed = 502;
    public const int KeyFeedRecovered = 503;
    public const int KeyFeedWentBackwards = 504;
    public const int KeyChangeSubscribeFailed = 505;

    // RateLimiting/ (601-699)
    public const int CellsEvicted = 601;
    public const int QuotaLoadFailed = 602;
    public const int QuotaFlushed = 603;
    public const int QuotaFlushFailed = 604;
    public const int RequestRateLimited = 605;
    public const int QuotaFinalFlush = 606;
    public const int QuotaExhaustionsFlushFailed = 607;
    public const int RedisLimiterFailed = 610;
    public const int WorkspaceLimitsLookupFailed = 611;

    // Usage/ (701-799)
    public const int UsageFlushed = 701;
    public const int UsageFlushFailed = 702;
    public const int UsageRowsDropped = 703;
    public const int UsagePruned = 704;
    public const int UsagePruneFailed = 705;

    // IdentityToken/ (801-899)
    public const int IdentitySigningKeysLoaded = 801;
    public const int IdentitySigningKeyOwn = 802;
    public const int IdentitySigningKeysReloaded = 803;
    public const int IdentitySigningKeysRereadFailed = 804;

    // WebSockets/ (901-999)
    public const int WebSocketClosedForKey = 901;
    public const int WebSocketRecheckFailed = 902;

    // Shadow/ (1001-1099)
    public const int ShadowRoutesLoaded = 1001;
    public const int ShadowRoutesRefused = 1002;
    public const int ShadowReportFlushed = 1003;
    public const int ShadowReportFlushFailed = 1004;
    public const int ShadowReportRowsDropped = 1005;
    public const int ShadowReportPruneFailed = 1006;
}
