using System.Globalization;
using System.Text.Json;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>How the console writes times, counts and statuses: UTC, invariant, "Never" for no date.</summary>
internal static class ConsoleFormat
{
    public static string Time(DateTimeOffset? value, string none = "Never") =>
        value is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : none;

    /// <summary>For table cells whose header says UTC.</summary>
    public static string ShortTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string IsoTime(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>
    /// User text inside a sentence or an attribute, where a <c>&lt;bdi&gt;</c> element cannot go: wrapped in FIRST STRONG
    /// ISOLATE / POP DIRECTIONAL ISOLATE, so right-to-left text or a stored override cannot reorder what follows it.
    /// </summary>
    public static string Isolate(string text) => "\u2068" + text + "\u2069";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An audit event's JSON details as short <c>name: value</c> pairs (arrays joined, objects left as JSON).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Details(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [KeyValuePair.Create("details", json)];
            }
            return [.. document.RootElement.EnumerateObject()
                .Where(p => p.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) || IsChangeValue(p.Name))
                .Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind switch
                {
                    // A cleared field ("expiresAtAfter": null) is a change worth showing, unlike an absent optional value.
                    JsonValueKind.Null => "none",
                    JsonValueKind.String => p.Value.GetString() ?? "",
                    JsonValueKind.Array => string.Join(", ", p.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                    _ => p.Value.GetRawText(),
                }))];
        }
        catch (JsonException)
        {
            return [KeyValuePair.Create("details", json)];
        }
    }

    /// <summary>The before/after values of a <c>key.updated</c> event (<c>nameBefore</c>, <c>expiresAtAfter</c>, …).</summary>
    private static bool IsChangeValue(string name) =>
        name.EndsWith("Before", StringComparison.Ordinal) || name.EndsWith("After", StringComparison.Ordinal);

    /// <summary>The leak marker's text: when the key was reported and, if the report named one, by whom.</summary>
    public static string LeakNote(DateTimeOffset leakedAt, string? source) =>
        string.IsNullOrEmpty(source) ? $"Reported leaked {Time(leakedAt)}" : $"Reported leaked {Time(leakedAt)} by {Isolate(source)}";

    public static string StatusLabel(KeyStatus status) => status switch
    {
        KeyStatus.Active => "Active",
        KeyStatus.Expired => "Expired",
        KeyStatus.Disabled => "Disabled",
        _ => "Revoked",
    };
}
