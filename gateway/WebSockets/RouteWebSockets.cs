namespace ApiGateway.Gateway.WebSockets;

/// <summary>
/// A route's <c>"WebSockets": "true"</c> metadata: WebSocket handshakes are forwarded only on such routes (docs/gateway.md
/// "Protocols"). Any value other than <c>true</c>/<c>false</c> is a routes-file error naming the route.
/// </summary>
internal static class RouteWebSockets
{
    public const string MetadataKey = "WebSockets";

    /// <summary>Whether the route allows WebSockets; problems with the value are added to <paramref name="errors"/> when given.</summary>
    public static bool Allowed(IReadOnlyDictionary<string, string>? metadata, ICollection<string>? errors = null)
    {
        if (metadata is null)
        {
            return false;
        }
        string? text = null;
        foreach (var (key, value) in metadata)
        {
            if (string.Equals(key, MetadataKey, StringComparison.OrdinalIgnoreCase))
            {
                text = value;
            }
        }
        if (text is null)
        {
            return false;
        }
        if (bool.TryParse(text, out var allowed))
        {
            return allowed;
        }
        errors?.Add($"Metadata '{MetadataKey}' must be 'true' or 'false', not '{text}'.");
        return false;
    }
}
