using System.Globalization;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>One UTC day of a usage chart: what <c>GET /v1/usage</c> reports for it (zero when nothing was recorded).</summary>
internal sealed record UsageChartDay(DateTimeOffset Day, long Requests, long Units, long Refused)
{
    public string Label => Day.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// The console's usage chart of one key or one workspace over the last <see cref="Days"/> UTC days (today included),
/// drawn server-side as SVG bars (<c>Shared/_UsageChart.cshtml</c>) from the same store query as <c>GET /v1/usage</c>
/// with daily buckets. Geometry lives here so the view only writes numbers, and a test can read them back.
/// </summary>
internal sealed class UsageChart
{
    public const int Days = 30;

    // The SVG's own coordinates (viewBox): it scales to the page's width, a phone's 390 px included.
    public const double Width = 640;
    public const double Height = 220;
    public const double PlotLeft = 48;
    public const double PlotTop = 12;
    public const double PlotBottom = 188;
    public const double PlotHeight = PlotBottom - PlotTop;
    public const double Slot = (Width - PlotLeft - 8) / Days;
    public const double BarWidth = Slot * 0.72;

    private UsageChart(IReadOnlyList<UsageChartDay> days, string apiPath)
    {
        Series = days;
        ApiPath = apiPath;
        MaxRequests = days.Max(d => d.Requests);
        MaxUnits = days.Max(d => d.Units);
    }

    public IReadOnlyList<UsageChartDay> Series { get; }

    /// <summary>The <c>GET /v1/usage</c> request that answers with these numbers.</summary>
    public string ApiPath { get; }

    public long MaxRequests { get; }

    public long MaxUnits { get; }

    public long TotalRequests => Series.Sum(d => d.Requests);

    public long TotalUnits => Series.Sum(d => d.Units);

    public long TotalRefused => Series.Sum(d => d.Refused);

    public DateTimeOffset From => Series[0].Day;

    public DateTimeOffset Through => Series[^1].Day;

    /// <summary>The last <see cref="Days"/> days of <paramref name="keyId"/>'s or <paramref name="workspaceId"/>'s usage, as <c>GET /v1/usage</c> reports them.</summary>
    public static async Task<UsageChart> LoadAsync(IUsageStore store, DateTimeOffset now, string? keyId, string? workspaceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var from = today.AddDays(1 - Days);
        var grouping = keyId is null ? UsageGrouping.Workspace : UsageGrouping.Key;
        var query = new UsageQuery(from, today.AddDays(1), UsageGranularity.Day, grouping, workspaceId, keyId);
        var rows = await store.QueryUsageAsync(query, cancellationToken);
        var apiPath = string.Create(CultureInfo.InvariantCulture,
            $"/v1/usage?from={Date(query.From)}&to={Date(query.To)}{(keyId is null ? "&groupBy=workspace" : "")}" +
            $"{(workspaceId is null ? "" : "&workspaceId=" + Uri.EscapeDataString(workspaceId))}{(keyId is null ? "" : "&keyId=" + keyId)}");
        var byDay = rows.GroupBy(r => r.Start).ToDictionary(g => g.Key, g => (Requests: g.Sum(r => r.Requests), Units: g.Sum(r => r.Units), Refused: g.Sum(r => r.Refused)));
        return new UsageChart([.. Enumerable.Range(0, Days).Select(i =>
        {
            var day = from.AddDays(i);
            var sums = byDay.GetValueOrDefault(day);
            return new UsageChartDay(day, sums.Requests, sums.Units, sums.Refused);
        })], apiPath);
    }

    private static string Date(DateTimeOffset day) => day.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static double X(int index) => PlotLeft + (index * Slot) + ((Slot - BarWidth) / 2);

    /// <summary>The height of a bar of <paramref name="value"/> when the tallest is <paramref name="max"/> (0 when nothing was used).</summary>
    public static double BarHeight(long value, long max) => max == 0 ? 0 : Math.Round(PlotHeight * value / max, 2);

    /// <summary>A coordinate as SVG wants it: invariant, at most two decimals.</summary>
    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
