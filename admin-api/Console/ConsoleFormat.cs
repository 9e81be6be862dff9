using System.Globalization;
using ApiGateway.Keys.Model;

namespace ApiGateway.AdminApi.Console;

/// <summary>How the console writes times, counts and statuses: UTC, invariant, "Never" for no date.</summary>
internal static class ConsoleFormat
{
    public static string Time(DateTimeOffset? value, string none = "Never") =>
        value is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : none;

    public static string IsoTime(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string StatusLabel(KeyStatus status) => status switch
    {
        KeyStatus.Active => "Active",
        KeyStatus.Expired => "Expired",
        _ => "Revoked",
    };
}
