using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApiGateway.AdminApi.Json;

/// <summary>
/// Writes every time as ISO-8601 UTC with milliseconds and a <c>Z</c> (<c>2026-01-01T00:00:00.000Z</c>); reads any
/// ISO-8601 time with an offset (or none, meaning UTC) and normalises it to UTC.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    public const string ErrorMessage = "Expected an ISO-8601 time such as 2026-01-01T00:00:00Z.";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTime(out var time))
        {
            // TryGetDateTime keeps the offset's meaning: Utc/Local kinds are converted, an unzoned time is taken as UTC.
            return time.Kind == DateTimeKind.Unspecified
                ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
                : new DateTimeOffset(time.ToUniversalTime());
        }
        throw new JsonException(ErrorMessage);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
    }
}
