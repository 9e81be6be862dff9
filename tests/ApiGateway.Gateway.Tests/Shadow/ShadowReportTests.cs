using System.Net;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Shadow;

/// <summary>
/// The gateway reports which keys the candidate decides differently to the store in batches on <c>Usage:FlushSeconds</c>
/// (like usage), never one write per request; the admin API lists them from there.
/// </summary>
public sealed class ShadowReportTests(ShadowRoutesFixture fixture) : IClassFixture<ShadowRoutesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Differences_FlushedOnTheClockInOneBatch_ListedPerRouteOutcomeAndKey()
    {
        await fixture.ReplaceAsync(fixture.LiveRoutes.Replace("\"Resource\": \"contacts\"", "\"Scopes\": \"contacts:admin\"", StringComparison.Ordinal));
        var refused = await fixture.Gateway.MintAsync(["contacts:read"], workspaceId: "ws_report");
        var allowed = await fixture.Gateway.MintAsync(["contacts:admin"]);
        var store = fixture.Gateway.Services.GetRequiredService<IShadowDecisionStore>();
        var since = fixture.Gateway.Clock.GetUtcNow().AddHours(-1);
        foreach (var (key, expected) in new[] { (refused, HttpStatusCode.OK), (refused, HttpStatusCode.OK), (allowed, HttpStatusCode.Forbidden) })
        {
            using var client = fixture.Gateway.CreateKeyClient(key.Plaintext);
            using var response = await client.GetAsync("/v1/contacts/1", Ct);
            Assert.Equal(expected, response.StatusCode);
        }

        // Nothing is written per request: only the flush on the clock writes.
        Assert.Empty(await store.ListAsync(new ShadowDecisionQuery(null, null, since, 100), Ct));
        fixture.Gateway.Clock.Advance(TimeSpan.FromSeconds(5));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        IReadOnlyList<ShadowDecisionSummary> listed;
        while ((listed = await store.ListAsync(new ShadowDecisionQuery(null, null, since, 100), Ct)).Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the shadow report was not flushed before the deadline");
            await Task.Delay(20, Ct); // polling the background flush's effect in the store
        }

        var now = fixture.Gateway.Clock.GetUtcNow();
        Assert.Equal(
        [
            ("contacts", ShadowOutcomeNames.WouldAllow, allowed.Key.Id, "ws_main", 1L),
            ("contacts", ShadowOutcomeNames.WouldRefuse, refused.Key.Id, "ws_report", 2L),
        ], listed.Select(r => (r.Route, r.Outcome, r.KeyId, r.WorkspaceId!, r.Count)));
        Assert.All(listed, r => Assert.True(r.LastSeenAt <= now && r.LastSeenAt >= since));
    }
}
