namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Kestrel limits that keep the process up when clients hold connections open (the <c>Gateway</c> section;
/// docs/gateway.md "Connection limits"). Unset connection limits are derived from the open-file limit
/// (<see cref="ConnectionBudget"/>).
/// </summary>
internal sealed class ConnectionLimitsOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Open HTTP connections per public listener; past it new connections are closed at once. Null: derived.</summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>Upgraded (WebSocket) connections, all listeners together; Kestrel stops counting a connection as HTTP once upgraded. Null: derived.</summary>
    public long? MaxConcurrentUpgradedConnections { get; set; }

    /// <summary>Seconds a client has to send the whole request line and headers before the connection is closed.</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Bytes per second a request body must average (after a 5 s grace) or the request is cut with 408; 0 turns the check off.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;
}
