using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ApiGateway.AdminApi.Usage;

/// <summary>
/// The bodies of <c>GET /v1/usage/export</c> (docs/billing.md): hourly rows per key as CSV, or as a batch of CloudEvents 1.0
/// whose <c>id</c> (<c>{keyId}:{hour in Unix seconds}</c>) is the same every time the hour is exported, so a meter that
/// deduplicates by id (OpenMeter) counts a re-shipped hour once.
/// </summary>
internal static class UsageExport
{
    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string CloudEventsContentType = "application/cloudevents-batch+json";
    public const string CsvHeader = "hour,workspace_id,key_id,requests,units,refused";
    public const string EventType = "api-gateway.usage";
    public const string EventSource = "api-gateway";

    public static byte[] Csv(IEnumerable<UsageRow> rows)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var row in rows)
        {
            // Workspace and key ids are restricted to letters, digits and _ . : - at creation, so no field needs quoting.
            text.Append(CultureInfo.InvariantCulture, $"{Hour(row.Start)},{row.WorkspaceId},{row.KeyId},{row.Requests},{row.Units},{row.Refused}\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] CloudEvents(IEnumerable<UsageRow> rows)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("specversion", "1.0");
                json.WriteString("type", EventType);
                json.WriteString("source", EventSource);
                json.WriteString("id", EventId(row));
                json.WriteString("subject", row.WorkspaceId);
                json.WriteString("time", Hour(row.Start));
                json.WriteStartObject("data");
                json.WriteString("keyId", row.KeyId);
                json.WriteNumber("requests", row.Requests);
                json.WriteNumber("units", row.Units);
                json.WriteNumber("refused", row.Refused);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{keyId}:{hour in Unix seconds}</c>: one key's one hour, whatever else the export holds.</summary>
    public static string EventId(UsageRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.Create(CultureInfo.InvariantCulture, $"{row.KeyId}:{row.Start.ToUnixTimeSeconds()}");
    }

    /// <summary>The hour's start as RFC 3339 UTC (<c>2026-01-01T10:00:00Z</c>).</summary>
    private static string Hour(DateTimeOffset start) => start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
