using System.Globalization;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Usage;

/// <summary>
/// Reads the query of <c>GET /v1/usage</c> and <c>GET /v1/usage/export</c> (docs/admin-api.md "Usage"), collecting every
/// bad parameter by name: <c>from</c>/<c>to</c> are ISO-8601 times on whole UTC buckets (hours, or days for
/// <c>granularity=day</c>), <c>to</c> exclusive and after <c>from</c>, at most <see cref="MaxHourlyDays"/> days apart
/// for hours and <see cref="MaxDailyDays"/> for days. A parameter that is not one of the endpoint's, or is given twice, is
/// refused too: for billing numbers a misspelt filter must not silently widen the report to everyone.
/// </summary>
internal static class UsageParameters
{
    public const int MaxHourlyDays = 31;
    public const int MaxDailyDays = 400;

    public static readonly string[] ReportParameters = ["from", "to", "granularity", "groupBy", "workspaceId", "keyId"];
    public static readonly string[] ExportParameters = ["from", "to", "format"];

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>The report's query, or null when <paramref name="errors"/> holds why not.</summary>
    public static UsageQuery? ReadReport(
        IQueryCollection query, string? from, string? to, string? granularity, string? groupBy, string? workspaceId, string? keyId, ValidationErrors errors)
    {
        CheckNames(query, ReportParameters, errors);
        var bucket = granularity switch
        {
            null or "day" => UsageGranularity.Day,
            "hour" => UsageGranularity.Hour,
            _ => Invalid(errors, "granularity", "granularity must be 'hour' or 'day'.", UsageGranularity.Day),
        };
        var grouping = groupBy switch
        {
            null or "key" => UsageGrouping.Key,
            "workspace" => UsageGrouping.Workspace,
            _ => Invalid(errors, "groupBy", "groupBy must be 'key' or 'workspace'.", UsageGrouping.Key),
        };
        if (workspaceId is not null && !KeyFieldRules.IsWorkspaceId(workspaceId))
        {
            errors.Add("workspaceId", $"workspaceId must be 1-{KeyFieldRules.MaxWorkspaceIdLength} characters of A-Z, a-z, 0-9, '_', '.', ':' and '-'.");
        }
        if (keyId is not null && !Ids.LooksLike(keyId, "key"))
        {
            errors.Add("keyId", "keyId must be a key id (key_ and 22 base62 characters).");
        }
        var range = ReadRange(from, to, bucket, errors);
        return errors.IsEmpty ? new UsageQuery(range.From, range.To, bucket, grouping, workspaceId, keyId) : null;
    }

    /// <summary>The export's hourly, per-key query and format, or null when <paramref name="errors"/> holds why not.</summary>
    public static (UsageQuery Query, UsageExportFormat Format)? ReadExport(IQueryCollection query, string? from, string? to, string? format, ValidationErrors errors)
    {
        CheckNames(query, ExportParameters, errors);
        var exportFormat = format switch
        {
            "csv" => UsageExportFormat.Csv,
            "cloudevents" => UsageExportFormat.CloudEvents,
            _ => Invalid(errors, "format", "format must be 'csv' or 'cloudevents'.", UsageExportFormat.Csv),
        };
        var range = ReadRange(from, to, UsageGranularity.Hour, errors);
        return errors.IsEmpty ? (new UsageQuery(range.From, range.To, UsageGranularity.Hour, UsageGrouping.Key), exportFormat) : null;
    }

    private static (DateTimeOffset From, DateTimeOffset To) ReadRange(string? fromText, string? toText, UsageGranularity granularity, ValidationErrors errors)
    {
        var bucket = granularity == UsageGranularity.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var unit = granularity == UsageGranularity.Hour ? "hour" : "day";
        var from = ReadTime("from", fromText, bucket, unit, errors);
        var to = ReadTime("to", toText, bucket, unit, errors);
        if (from is not { } start || to is not { } end)
        {
            return default;
        }
        var maxDays = granularity == UsageGranularity.Hour ? MaxHourlyDays : MaxDailyDays;
        if (end <= start)
        {
            errors.Add("to", "to must be after from (to is exclusive).");
        }
        else if (end - start > TimeSpan.FromDays(maxDays))
        {
            errors.Add("to", $"to must be at most {maxDays} days after from for {unit}ly buckets.");
        }
        return (start, end);
    }

    private static DateTimeOffset? ReadTime(string name, string? text, TimeSpan bucket, string unit, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(name, $"{name} is required: an ISO-8601 time such as 2026-01-01T00:00:00Z.");
            return null;
        }
        if (!DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            errors.Add(name, $"{name} must be an ISO-8601 time such as 2026-01-01T00:00:00Z, not '{text}'.");
            return null;
        }
        if (time.UtcTicks % bucket.Ticks != 0)
        {
            errors.Add(name, $"{name} must be the start of a UTC {unit} (buckets are whole UTC {unit}s).");
            return null;
        }
        return time;
    }

    private static void CheckNames(IQueryCollection query, string[] known, ValidationErrors errors)
    {
        foreach (var (name, values) in query)
        {
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(name, $"'{name}' is not a parameter of this endpoint ({string.Join(", ", known)}).");
            }
            else if (values.Count > 1)
            {
                errors.Add(name, $"{name} may be given once.");
            }
        }
    }

    private static T Invalid<T>(ValidationErrors errors, string name, string message, T fallback)
    {
        errors.Add(name, message);
        return fallback;
    }
}

/// <summary>How <c>GET /v1/usage/export</c> writes its rows.</summary>
internal enum UsageExportFormat
{
    Csv,
    CloudEvents,
}
