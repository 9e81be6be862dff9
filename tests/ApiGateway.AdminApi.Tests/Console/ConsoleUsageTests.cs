using System.Globalization;
using System.Net;
using System.Xml.Linq;
using ApiGateway.Keys;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>
/// The console draws a key's and a workspace's last 30 days of usage as SVG bars (<c>Shared/_UsageChart.cshtml</c>)
/// from the same query as <c>GET /v1/usage</c>: the bars read back as the seeded numbers, and the charts are named.
/// </summary>
public sealed class ConsoleUsageTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private const double PlotHeight = 176;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyPage_SeededUsage_BarsAreTheDailyNumbers()
    {
        var key = await MintAsync("ws_chart_key");
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var (busy, quiet, tooOld) = (today.AddDays(-2), today.AddDays(-12), today.AddDays(-40));
        await app.Service<IUsageStore>().RecordUsageAsync(
        [
            new(key.Id, busy.AddHours(3), 30, busy, Units: 150, Refused: 4),
            new(key.Id, busy.AddHours(9), 10, busy, Units: 50, Refused: 0),
            new(key.Id, quiet.AddHours(1), 20, quiet, Units: 20, Refused: 0),
            new(key.Id, tooOld, 999, tooOld, Units: 999, Refused: 0),
        ], Ct);

        var html = await GetPageAsync($"/console/keys/{key.Id}");

        var requests = Chart(html, "requests");
        Assert.Equal("img", requests.Attribute("role")?.Value);
        Assert.Equal("Requests per day, last 30 days", requests.Element(Svg + "title")?.Value);
        Assert.Contains("60 requests", requests.Element(Svg + "desc")?.Value, StringComparison.Ordinal);
        Assert.Equal("40", requests.Attribute("data-max")?.Value);
        var days = Bars(requests);
        Assert.Equal(30, days.Count);
        Assert.Equal(Label(today), days[^1].Attribute("data-day")?.Value);
        var busyBar = Day(days, busy);
        Assert.Equal(("40", "4"), (busyBar.Attribute("data-value")?.Value, busyBar.Attribute("data-refused")?.Value));
        // The tallest day fills the plot; its refused part (4 of 40) is its own, darker segment on top.
        Assert.Equal(PlotHeight, Heights(busyBar).Sum(), 2);
        Assert.Equal(PlotHeight * 4 / 40, Heights(busyBar, "bar refused").Single(), 2);
        Assert.Equal(PlotHeight / 2, Heights(Day(days, quiet)).Sum(), 2);
        Assert.Contains("40 requests (4 refused), 200 units", busyBar.Element(Svg + "title")?.Value, StringComparison.Ordinal);
        Assert.All(days.Where(d => d.Attribute("data-day")?.Value is var l && l != Label(busy) && l != Label(quiet)),
            d => Assert.Equal(0, Heights(d).Sum()));

        var units = Chart(html, "units");
        Assert.Equal("200", units.Attribute("data-max")?.Value);
        Assert.Equal(PlotHeight * 20 / 200, Heights(Day(Bars(units), quiet)).Sum(), 2);
    }

    [Fact]
    public async Task WorkspacePage_SumsItsKeys_AndTheKeyListLinksToBothPages()
    {
        var first = await MintAsync("ws_chart_team");
        var second = await MintAsync("ws_chart_team");
        var other = await MintAsync("ws_chart_other");
        var day = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-3);
        await app.Service<IUsageStore>().RecordUsageAsync(
            [new(first.Id, day, 5, day, Units: 5), new(second.Id, day.AddHours(2), 7, day, Units: 21, Refused: 1), new(other.Id, day, 100, day, Units: 100)], Ct);

        var html = await GetPageAsync("/console/workspaces/ws_chart_team/usage");
        var bar = Day(Bars(Chart(html, "requests")), day);
        Assert.Equal(("12", "1"), (bar.Attribute("data-value")?.Value, bar.Attribute("data-refused")?.Value));
        Assert.Equal("26", Day(Bars(Chart(html, "units")), day).Attribute("data-value")?.Value);

        var list = await GetPageAsync("/console");
        Assert.Contains($"href=\"/console/keys/{first.Id}\"", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/workspaces/ws_chart_team/usage\"", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/keys/key_0000000000000000000000")]
    [InlineData("/console/workspaces/bad%20id/usage")]
    public async Task UnknownKeyOrBadWorkspace_404(string path)
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        using var response = await session.Client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<ApiKey> MintAsync(string workspaceId)
    {
        var spec = new KeySpec("chart", workspaceId, ["contacts:read"], null, ApiGateway.Keys.Format.KeyMode.Live, null, null, null, null, [], []);
        return (await app.Service<KeyMutationService>().CreateAsync(spec, Actor.System, Ct)).Issued!.Key;
    }

    private async Task<string> GetPageAsync(string path)
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        using var response = await session.Client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The chart's <c>&lt;svg&gt;</c> element, parsed as the XML it is.</summary>
    private static XElement Chart(string html, string measure)
    {
        var start = html.IndexOf($"data-chart=\"{measure}\"", StringComparison.Ordinal);
        Assert.True(start > 0, $"No {measure} chart.");
        start = html.LastIndexOf("<svg", start, StringComparison.Ordinal);
        var end = html.IndexOf("</svg>", start, StringComparison.Ordinal) + "</svg>".Length;
        return XElement.Parse(html[start..end]);
    }

    private static List<XElement> Bars(XElement chart) =>
        [.. chart.Descendants(Svg + "g").Where(g => g.Attribute("data-day") is not null)];

    private static XElement Day(List<XElement> bars, DateTimeOffset day) => Assert.Single(bars, b => b.Attribute("data-day")?.Value == Label(day));

    private static IEnumerable<double> Heights(XElement bar, string cssClass = "") =>
        bar.Elements(Svg + "rect")
            .Where(r => cssClass.Length == 0 || r.Attribute("class")?.Value == cssClass)
            .Select(r => double.Parse(r.Attribute("height")!.Value, CultureInfo.InvariantCulture));

    private static string Label(DateTimeOffset day) => day.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
