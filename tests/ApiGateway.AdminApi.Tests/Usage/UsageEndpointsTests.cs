using System.Net;
using System.Text.Json;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Usage;

/// <summary>
/// <c>GET /v1/usage</c> and <c>GET /v1/usage/export</c> (docs/admin-api.md "Usage", docs/billing.md): buckets, grouping,
/// filters and order from the gateways' hourly rows; CSV and CloudEvents exports of closed hours with stable ids; every bad
/// parameter a 400 naming it. The factory's clock stands at 2026-01-01T00:00Z, so that hour is the open one.
/// </summary>
public sealed class UsageEndpointsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private static readonly DateTimeOffset Day1 = new(2025, 12, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = Day1.AddDays(1);
    private readonly HttpClient _owner = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IUsageStore Store => factory.Services.GetRequiredService<IUsageStore>();

    private async Task<string> MintAsync(string workspaceId)
    {
        var body = KeyRequests.Valid();
        body["workspaceId"] = workspaceId;
        return (await _owner.MintAsync(body)).Str("id");
    }

    [Fact]
    public async Task Usage_ByKeyAndWorkspace_HourAndDay_SummedFilteredAndOrdered()
    {
        var a = await MintAsync("ws_report_a");
        var b = await MintAsync("ws_report_a");
        var c = await MintAsync("ws_report_b");
        await Store.RecordUsageAsync(
        [
            new(a, Day1.AddHours(3), 10, Day1, Units: 50, Refused: 2),
            new(b, Day1.AddHours(3), 1, Day1, Units: 1, Refused: 0),
            new(a, Day1.AddHours(20), 5, Day1, Units: 5, Refused: 5),
            new(c, Day2.AddHours(1), 7, Day2, Units: 14, Refused: 0),
        ], Ct);
        var range = $"from={Day1:yyyy-MM-dd}&to={Day2.AddDays(1):yyyy-MM-dd}";
        var (first, second) = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);

        var daily = Items(await _owner.GetJsonAsync($"/v1/usage?{range}&workspaceId=ws_report_a"));
        Assert.Equal(
            new[] { (Day1, "ws_report_a", a, 15L, 55L, 7L), (Day1, "ws_report_a", b, 1L, 1L, 0L) }.OrderBy(r => r.Item3, StringComparer.Ordinal),
            daily.Select(i => (i.Start, i.WorkspaceId, i.KeyId!, i.Requests, i.Units, i.Refused)));

        var hourly = Items(await _owner.GetJsonAsync($"/v1/usage?{range}&granularity=hour&workspaceId=ws_report_a"));
        Assert.Equal([Day1.AddHours(3), Day1.AddHours(3), Day1.AddHours(20)], hourly.Select(i => i.Start));
        Assert.Equal([first, second, a], hourly.Select(i => i.KeyId));

        var workspaces = Items(await _owner.GetJsonAsync($"/v1/usage?{range}&groupBy=workspace"))
            .Where(i => i.WorkspaceId.StartsWith("ws_report_", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [new Item(Day1, "ws_report_a", null, 16, 56, 7), new Item(Day2, "ws_report_b", null, 7, 14, 0)],
            workspaces);

        var oneKey = Items(await _owner.GetJsonAsync($"/v1/usage?{range}&keyId={c}&granularity=hour"));
        Assert.Equal([new Item(Day2.AddHours(1), "ws_report_b", c, 7, 14, 0)], oneKey);
    }

    [Fact]
    public async Task Usage_GroupedByWorkspace_WritesKeyIdAsNullAndTimesAsUtc()
    {
        var key = await MintAsync("ws_json");
        await Store.RecordUsageAsync([new(key, Day1.AddHours(1), 2, Day1, Units: 6)], Ct);

        var report = await _owner.GetJsonAsync($"/v1/usage?from={Iso(Day1)}&to={Iso(Day2)}&groupBy=workspace&workspaceId=ws_json");

        var item = Assert.Single(report.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("keyId").ValueKind);
        Assert.Equal("2025-12-30T00:00:00.000Z", item.Str("start"));
        Assert.Equal(["start", "workspaceId", "keyId", "requests", "units", "refused"], item.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Export_Csv_ClosedHoursOnlyWithHeader()
    {
        var key = await MintAsync("ws_csv");
        var now = factory.Clock.GetUtcNow();
        await Store.RecordUsageAsync(
        [
            new(key, now.AddHours(-2), 3, now, Units: 9, Refused: 1),
            new(key, now.AddHours(-1), 1, now, Units: 1),
            new(key, UsageHours.Start(now), 100, now, Units: 100), // the open hour: not exported
        ], Ct);

        using var response = await _owner.GetAsync($"/v1/usage/export?from={Iso(now.AddHours(-2))}&to={Iso(now.AddHours(2))}&format=csv", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("hour,workspace_id,key_id,requests,units,refused", lines[0]);
        var mine = lines.Skip(1).Where(l => l.Contains(key, StringComparison.Ordinal)).ToArray();
        Assert.Equal([$"2025-12-31T22:00:00Z,ws_csv,{key},3,9,1", $"2025-12-31T23:00:00Z,ws_csv,{key},1,1,0"], mine);
    }

    [Fact]
    public async Task Export_CloudEvents_BatchOfStableIdsPerKeyAndHour()
    {
        var key = await MintAsync("ws_ce");
        var now = factory.Clock.GetUtcNow();
        var hour = now.AddHours(-3);
        await Store.RecordUsageAsync([new(key, hour, 4, now, Units: 20, Refused: 1), new(key, UsageHours.Start(now), 9, now, Units: 9)], Ct);
        var path = $"/v1/usage/export?from={Iso(hour)}&to={Iso(now.AddDays(1))}&format=cloudevents";

        var events = await ExportEventsAsync(path, key);
        // A re-export (more usage recorded for that hour meanwhile) keeps the id, so a meter deduplicates it.
        await Store.RecordUsageAsync([new(key, hour, 1, now, Units: 1)], Ct);
        var again = await ExportEventsAsync(path, key);

        var e = Assert.Single(events);
        Assert.Equal("1.0", e.Str("specversion"));
        Assert.Equal("api-gateway.usage", e.Str("type"));
        Assert.Equal("api-gateway", e.Str("source"));
        Assert.Equal($"{key}:{hour.ToUnixTimeSeconds()}", e.Str("id"));
        Assert.Equal("ws_ce", e.Str("subject"));
        Assert.Equal("2025-12-31T21:00:00Z", e.Str("time"));
        var data = e.GetProperty("data");
        Assert.Equal(key, data.Str("keyId"));
        Assert.Equal((4, 20, 1), (data.GetProperty("requests").GetInt64(), data.GetProperty("units").GetInt64(), data.GetProperty("refused").GetInt64()));
        Assert.Equal(e.Str("id"), Assert.Single(again).Str("id"));
        Assert.Equal(5, Assert.Single(again).GetProperty("data").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Export_OnlyTheOpenHour_EmptyBatch()
    {
        var now = factory.Clock.GetUtcNow();
        using var response = await _owner.GetAsync($"/v1/usage/export?from={Iso(UsageHours.Start(now))}&to={Iso(UsageHours.Start(now).AddHours(1))}&format=cloudevents", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("/v1/usage?to=2026-01-01", "from")]
    [InlineData("/v1/usage?from=2026-01-01", "to")]
    [InlineData("/v1/usage?from=yesterday&to=2026-01-02", "from")]
    [InlineData("/v1/usage?from=2026-01-01&to=01/02/2026", "to")]
    [InlineData("/v1/usage?from=2026-01-02&to=2026-01-01", "to")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-01", "to")]
    [InlineData("/v1/usage?from=2026-01-01T05:00:00Z&to=2026-01-02", "from")]
    [InlineData("/v1/usage?from=2026-01-01T00:30:00Z&to=2026-01-02&granularity=hour", "from")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-01T10:00:00.5Z&granularity=hour", "to")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-02-01T01:00:00Z&granularity=hour", "to")]
    [InlineData("/v1/usage?from=2025-01-01&to=2026-02-06", "to")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-02&granularity=minute", "granularity")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-02&granularity=HOUR", "granularity")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-02&groupBy=owner", "groupBy")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-02&workspaceId=ws%20x", "workspaceId")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-02&keyId=nope", "keyId")]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-02&key=key_1", "key")]
    [InlineData("/v1/usage?from=2026-01-01&from=2026-01-01&to=2026-01-02", "from")]
    [InlineData("/v1/usage/export?to=2026-01-01T01:00:00Z&format=csv", "from")]
    [InlineData("/v1/usage/export?from=2026-01-01&to=2026-01-02", "format")]
    [InlineData("/v1/usage/export?from=2026-01-01&to=2026-01-02&format=json", "format")]
    [InlineData("/v1/usage/export?from=2026-01-01T00:15:00Z&to=2026-01-02&format=csv", "from")]
    [InlineData("/v1/usage/export?from=2025-12-01&to=2026-01-02&format=csv", "to")]
    [InlineData("/v1/usage/export?from=2026-01-01&to=2026-01-02&format=csv&keyId=key_1", "keyId")]
    public async Task BadParameter_400NamingIt(string path, string field)
    {
        using var response = await _owner.GetAsync(path, Ct);

        Assert.NotEmpty(await ApiAssert.ValidationErrorAsync(response, field));
    }

    [Theory]
    [InlineData("/v1/usage?from=2026-01-01&to=2026-01-02")]
    [InlineData("/v1/usage/export?from=2026-01-01&to=2026-01-02&format=csv")]
    public async Task NoCredential_401(string path)
    {
        using var anonymous = factory.CreateClient(null);
        using var response = await anonymous.GetAsync(path, Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Ranges_AtTheLimits_Accepted()
    {
        using var hourly = await _owner.GetAsync("/v1/usage?from=2026-01-01&to=2026-02-01&granularity=hour", Ct);
        using var daily = await _owner.GetAsync("/v1/usage?from=2025-01-01T00:00:00%2B00:00&to=2026-02-05", Ct);
        using var export = await _owner.GetAsync("/v1/usage/export?from=2025-12-01T01:00:00Z&to=2026-01-01T01:00:00Z&format=csv", Ct);

        Assert.Equal(HttpStatusCode.OK, hourly.StatusCode);
        Assert.Equal(HttpStatusCode.OK, daily.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
    }

    private async Task<List<JsonElement>> ExportEventsAsync(string path, string keyId)
    {
        using var response = await _owner.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/cloudevents-batch+json", response.Content.Headers.ContentType?.MediaType);
        using var batch = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return [.. batch.RootElement.EnumerateArray().Where(e => e.GetProperty("data").Str("keyId") == keyId).Select(e => e.Clone())];
    }

    private static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static List<Item> Items(JsonElement report) =>
        [.. report.GetProperty("items").EnumerateArray().Select(i => new Item(
            i.Time("start"), i.Str("workspaceId"), i.GetProperty("keyId").GetString(),
            i.GetProperty("requests").GetInt64(), i.GetProperty("units").GetInt64(), i.GetProperty("refused").GetInt64()))];

    private sealed record Item(DateTimeOffset Start, string WorkspaceId, string? KeyId, long Requests, long Units, long Refused);
}
