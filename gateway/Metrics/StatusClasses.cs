namespace ApiGateway.Gateway.Metrics;

/// <summary>The <c>status</c> label: the response's class (<c>1xx</c> … <c>5xx</c>), from cached strings.</summary>
internal static class StatusClasses
{
    private static readonly string[] Classes = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    public const int Count = 5;

    /// <summary>Index of the class in 0..4; anything outside 100–599 counts as a server error.</summary>
    public static int IndexOf(int statusCode) => statusCode is >= 100 and <= 599 ? (statusCode / 100) - 1 : 4;

    public static string Name(int index) => Classes[index];

    public static string Of(int statusCode) => Classes[IndexOf(statusCode)];
}
