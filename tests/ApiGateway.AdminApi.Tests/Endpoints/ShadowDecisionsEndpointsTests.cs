using System.Net;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Endpoints;

/// <summary><c>GET /v1/shadow-decisions</c>: the gateways' shadow routes reports, per live route and outcome, with each key's name and workspace.</summary>
public sealed class ShadowDecisionsEndpointsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _owner = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IShadowDecisionStore Store => factory.Services.GetRequiredService<IShadowDecisionStore>();

    [Fact]
    public async Task List_ReportedDecisions_GroupedByRouteAndOutcomeWithKeyNameWorkspaceCountAndLastSeen()
    {
        var key = await _owner.MintAsync();
        var id = key.Str("id");
        var now = factory.Clock.GetUtcNow();
        var hour = UsageHours.Start(now);
        await Store.RecordAsync(
        [
            new("shadow-contacts", id, ShadowOutcomeNames.WouldRefuse, hour, 3, now),
            new("shadow-contacts", "key_gone", ShadowOutcomeNames.WouldRefuse, hour, 1, now.AddSeconds(-1)),
            new("shadow-reports", id, ShadowOutcomeNames.WouldAllow, hour, 2, now),
        ], Ct);

        var report = await _owner.GetJsonAsync("/v1/shadow-decisions?route=shadow-contacts");

        var route = Assert.Single(report.GetProperty("routes").EnumerateArray());
        Assert.Equal("shadow-contacts", route.Str("route"));
        Assert.Equal("would_refuse", route.Str("outcome"));
        var keys = route.GetProperty("keys").EnumerateArray().ToArray();
        Assert.Equal([id, "key_gone"], keys.Select(k => k.Str("id")));
        Assert.Equal(key.Str("name"), keys[0].Str("name"));
        Assert.Equal(key.Str("workspaceId"), keys[0].Str("workspaceId"));
        Assert.Equal(3, keys[0].GetProperty("count").GetInt64());
        Assert.Equal(now, keys[0].GetProperty("lastSeenAt").GetDateTimeOffset());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, keys[1].GetProperty("name").ValueKind);
        Assert.False(report.GetProperty("truncated").GetBoolean());

        var allowed = await _owner.GetJsonAsync("/v1/shadow-decisions?outcome=would_allow");
        Assert.Contains(allowed.GetProperty("routes").EnumerateArray(), r => r.Str("route") == "shadow-reports");
        Assert.DoesNotContain(allowed.GetProperty("routes").EnumerateArray(), r => r.Str("outcome") == "would_refuse");

        var later = await _owner.GetJsonAsync($"/v1/shadow-decisions?route=shadow-contacts&since={Uri.EscapeDataString(now.AddMinutes(1).ToString("O"))}");
        Assert.Empty(later.GetProperty("routes").EnumerateArray());
    }

    [Theory]
    [InlineData("outcome=refused", "outcome")]
    [InlineData("since=yesterday", "since")]
    [InlineData("outcome=WOULD_REFUSE", "outcome")]
    public async Task List_BadQuery_400NamingTheField(string query, string field)
    {
        using var response = await _owner.GetAsync($"/v1/shadow-decisions?{query}", Ct);

        Assert.NotEmpty(await ApiAssert.ValidationErrorAsync(response, field));
    }

    [Fact]
    public async Task List_NoCredential_401()
    {
        using var anonymous = factory.CreateClient(null);
        using var response = await anonymous.GetAsync("/v1/shadow-decisions", Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
