using System.Collections.Concurrent;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Keys.Tests.Storage.Contract;

/// <summary>The webhook outbox and delivery queue (IWebhookStore, WebhookOutbox) on every provider.</summary>
public abstract partial class StoreContractTests
{
    private static Webhook NewWebhook(params string[] events) =>
        new(Ids.New("wh"), "https://hooks.example.com/in", events, null, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "adm_operator");

    private static async Task AppendAsync(StoreHarness store, string type, string keyId, DateTimeOffset at, string? id = null)
    {
        var dialect = store.Services.GetRequiredService<IStoreDialect>();
        await using var connection = await dialect.OpenAsync(Ct);
        await using var transaction = await dialect.BeginWriteAsync(connection, Ct);
        await WebhookOutbox.AppendAsync(connection, transaction, new WebhookEvent(id ?? Ids.New("evt"), type, keyId, "{\"type\":\"" + type + "\"}", at), Ct);
        await transaction.CommitAsync(Ct);
    }

    [Fact]
    public async Task Outbox_EventFansOutToSubscribedEndpointsOnly_AndNothingWhenNoneWants()
    {
        var store = await OpenAsync();
        var all = NewWebhook("*");
        var revoked = NewWebhook(WebhookEventTypes.KeyRevoked);
        await store.Webhooks.CreateAsync(all, "whsec_AAAA", Operator, Ct);
        await store.Webhooks.CreateAsync(revoked, "whsec_BBBB", Operator, Ct);
        var now = Clock.GetUtcNow();

        await AppendAsync(store, WebhookEventTypes.KeyCreated, "key_a", now);
        await AppendAsync(store, WebhookEventTypes.KeyRevoked, "key_a", now);
        var claimed = await store.Webhooks.ClaimAsync(now, now.AddSeconds(15), 10, Ct);

        // key_a's revocation waits behind its creation at the '*' endpoint; the other endpoint only wanted the revocation.
        Assert.Equal(
            new[] { (all.Id, WebhookEventTypes.KeyCreated), (revoked.Id, WebhookEventTypes.KeyRevoked) }.Order(),
            claimed.Select(c => (c.WebhookId, c.Type)).Order());
        Assert.All(claimed, c => Assert.Equal(1, c.Attempt));
        Assert.Equal("whsec_AAAA", claimed.Single(c => c.WebhookId == all.Id).Secret);
    }

    [Fact]
    public async Task Claim_LeaseHeldThenExpired_OtherClaimerTakesItOverAndTheStaleOutcomeIsDropped()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        await first.Webhooks.CreateAsync(NewWebhook("*"), "whsec_AAAA", Operator, Ct);
        var now = Clock.GetUtcNow();
        await AppendAsync(first, WebhookEventTypes.KeyCreated, "key_a", now);

        var held = Assert.Single(await first.Webhooks.ClaimAsync(now, now.AddSeconds(15), 10, Ct));
        Assert.Empty(await second.Webhooks.ClaimAsync(now.AddSeconds(14), now.AddSeconds(29), 10, Ct));
        var takenOver = Assert.Single(await second.Webhooks.ClaimAsync(now.AddSeconds(15), now.AddSeconds(30), 10, Ct));

        Assert.Equal(2, takenOver.Attempt);
        Assert.False(await first.Webhooks.CompleteAsync(held, new AttemptOutcome(true, 200, null, now.AddSeconds(16), null), Ct));
        Assert.True(await second.Webhooks.CompleteAsync(takenOver, new AttemptOutcome(true, 200, null, now.AddSeconds(16), null), Ct));
        var log = await second.Webhooks.ListAttemptsAsync(takenOver.WebhookId, 10, null, Ct);
        Assert.Equal(2, Assert.Single(log).Attempt);
        Assert.Empty(await first.Webhooks.ClaimAsync(now.AddHours(1), now.AddHours(2), 10, Ct));
    }

    /// <summary>
    /// Two "processes" claim at once, over and over, while deliveries complete: no delivery is ever held by both, and a
    /// key's events are claimed strictly in order (never the next while an earlier one is pending).
    /// </summary>
    [Fact]
    public async Task Claim_TwoClaimersConcurrently_EachDeliveryClaimedOncePerAttemptAndInOrderPerKey()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        await first.Webhooks.CreateAsync(NewWebhook("*"), "whsec_AAAA", Operator, Ct);
        var now = Clock.GetUtcNow();
        const int Keys = 8, PerKey = 6;
        for (var i = 0; i < PerKey; i++)
        {
            for (var k = 0; k < Keys; k++)
            {
                await AppendAsync(first, WebhookEventTypes.KeyUpdated, $"key_{k}", now, id: $"evt_{k}_{i}");
            }
        }
        var claims = new ConcurrentQueue<ClaimedDelivery>();
        async Task RunAsync(StoreHarness harness)
        {
            for (var idle = 0; idle < 3;)
            {
                var batch = await harness.Webhooks.ClaimAsync(now, now.AddMinutes(5), 3, Ct);
                idle = batch.Count == 0 ? idle + 1 : 0;
                foreach (var delivery in batch)
                {
                    claims.Enqueue(delivery);
                    Assert.True(await harness.Webhooks.CompleteAsync(delivery, new AttemptOutcome(true, 200, null, now, null), Ct));
                }
            }
        }

        await Task.WhenAll(Task.Run(() => RunAsync(first), Ct), Task.Run(() => RunAsync(second), Ct));

        Assert.Equal(Keys * PerKey, claims.Count);
        Assert.Equal(Keys * PerKey, claims.Select(c => c.EventId).Distinct().Count());
        Assert.All(claims, c => Assert.Equal(1, c.Attempt));
        var log = await first.Webhooks.ListAttemptsAsync(claims.First().WebhookId, 100, null, Ct);
        foreach (var key in Enumerable.Range(0, Keys))
        {
            // The attempt log is in completion order: each key's events completed in the order they were written.
            var completed = log.Reverse().Select(a => a.EventId).Where(e => e.StartsWith($"evt_{key}_", StringComparison.Ordinal));
            Assert.Equal(Enumerable.Range(0, PerKey).Select(i => $"evt_{key}_{i}"), completed);
        }
    }

    [Fact]
    public async Task Delete_CancelsPendingDeliveriesAndAuditsWithoutTheSecret()
    {
        var store = await OpenAsync();
        var webhook = NewWebhook("*");
        await store.Webhooks.CreateAsync(webhook, "whsec_SECRETSECRET", Operator, Ct);
        var now = Clock.GetUtcNow();
        await AppendAsync(store, WebhookEventTypes.KeyCreated, "key_a", now);

        Assert.True(await store.Webhooks.DeleteAsync(webhook.Id, Operator, Ct));
        Assert.False(await store.Webhooks.DeleteAsync(webhook.Id, Operator, Ct));

        Assert.Empty(await store.Webhooks.ClaimAsync(now, now.AddSeconds(15), 10, Ct));
        Assert.Null(await store.Webhooks.GetAsync(webhook.Id, Ct));
        var audit = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct);
        Assert.Equal([AuditActions.WebhookDeleted, AuditActions.WebhookCreated], audit.Items.Select(e => e.Action));
        Assert.DoesNotContain(audit.Items, e => (e.Details ?? "").Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiryWarning_RecordedOncePerKeyEvenFromTwoProcesses()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        await first.Webhooks.CreateAsync(NewWebhook(WebhookEventTypes.KeyExpiring), "whsec_AAAA", Operator, Ct);
        var now = Clock.GetUtcNow();
        var soon = await first.MintAsync(StoreHarness.Spec(expiresAt: now.AddDays(3)), Ct);
        await first.MintAsync(StoreHarness.Spec(expiresAt: now.AddDays(30)), Ct);
        await first.MintAsync(StoreHarness.Spec(), Ct);

        var found = await first.Webhooks.FindUnwarnedExpiringKeysAsync(now, now.AddDays(7), 10, Ct);
        Assert.Equal(soon.Key.Id, Assert.Single(found).Id);
        var evt = new WebhookEvent(Ids.New("evt"), WebhookEventTypes.KeyExpiring, soon.Key.Id, "{}", now);
        var results = await Task.WhenAll(
            first.Webhooks.RecordExpiryWarningAsync(soon.Key.Id, evt, Ct),
            second.Webhooks.RecordExpiryWarningAsync(soon.Key.Id, evt with { Id = Ids.New("evt") }, Ct));

        Assert.Single(results, r => r);
        Assert.Empty(await first.Webhooks.FindUnwarnedExpiringKeysAsync(now, now.AddDays(7), 10, Ct));
        Assert.Single(await first.Webhooks.ClaimAsync(now, now.AddSeconds(15), 10, Ct));
    }
}
