namespace ApiGateway.Gateway.Metrics;

/// <summary>The <c>status</c> label: the response's class (<c>2xx</c> … <c>5xx</c>), from cached strings.</summary>
internal static class StatusClasses
{
    private static readonly string[] Classes = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    /// <summary>Maps a status code to its class; anything outside 100–599 counts as a server error.</summary>
    public static string Of(int statusCode) => statusCode is >= 100 and <= 599 ? Classes[(statusCode / 100) - 1] : Classes[4];
}
