using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>Races between the admin API and the gateway, as real processes on one database.</summary>
[Collection(SerialFaults.Name)]
public sealed class RaceTests : IAsyncLifetime
{
    private ProcessPair _pair = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _pair = await ProcessPair.StartAsync(null, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }

    [Fact]
    public async Task Revoke_DuringBurst_NothingAcceptedMoreThanOneSecondAfterRevokeReturned()
    {
        using var admin = _pair.Admin.CreateClient();
        var (id, key) = await ProcessPair.MintAsync(admin, new { name = "burst", workspaceId = "ws_e2e", scopes = new[] { "contacts:read" } }, Ct);
        using var client = _pair.Gateway.CreatePublicClient(key);
        var clock = Stopwatch.StartNew();
        var results = new ConcurrentBag<(TimeSpan Sent, HttpStatusCode Status)>();
        var revokedAt = TimeSpan.FromDays(1); // far future until the revoke returns
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        async Task WorkerAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var sent = clock.Elapsed;
                using var response = await client.GetAsync(new Uri("/v1/contacts/burst", UriKind.Relative), Ct);
                results.Add((sent, response.StatusCode));
                if (clock.Elapsed > revokedAt + TimeSpan.FromSeconds(2))
                {
                    await stop.CancelAsync();
                }
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(WorkerAsync, Ct)).ToArray();
        await Poll.UntilAsync(_ => Task.FromResult(results.Count(r => r.Status == HttpStatusCode.OK)), n => n >= 200, TimeSpan.FromSeconds(30), Ct);
        using (var revoked = await admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct))
        {
            Assert.True(revoked.IsSuccessStatusCode, revoked.StatusCode.ToString());
        }
        revokedAt = clock.Elapsed;
        await Task.WhenAll(workers);

        var lastAccepted = results.Where(r => r.Status == HttpStatusCode.OK).Max(r => r.Sent);
        var late = lastAccepted - revokedAt;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{results.Count} requests; last accepted one was sent {late.TotalMilliseconds:F0} ms after the revoke returned.");
        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Unauthorized, r.Status.ToString()));
        Assert.True(late <= TimeSpan.FromSeconds(1), $"A request sent {late.TotalMilliseconds:F0} ms after the revoke was accepted.");
        Assert.Contains(results, r => r.Sent > revokedAt + TimeSpan.FromSeconds(1) && r.Status == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task MintAndRevoke_HundredConcurrent_AuditCompleteAndConsistent()
    {
        using var admin = _pair.Admin.CreateClient();
        using var gate = new SemaphoreSlim(16);
        var ids = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            await gate.WaitAsync(Ct);
            try
            {
                var (id, _) = await ProcessPair.MintAsync(admin,
                    new { name = $"race {i}", workspaceId = "ws_e2e", owner = $"user{i}", scopes = new[] { "contacts:read" } }, Ct);
                // Two revokes racing each other: idempotent, one audit event.
                var revokes = await Task.WhenAll(
                    admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct),
                    admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct));
                foreach (var revoke in revokes)
                {
                    Assert.True(revoke.IsSuccessStatusCode, revoke.StatusCode.ToString());
                    revoke.Dispose();
                }
                return id;
            }
            finally
            {
                gate.Release();
            }
        }));

        var created = await AuditKeyIdsAsync(admin, "key.created");
        var revokedEvents = await AuditKeyIdsAsync(admin, "key.revoked");
        foreach (var id in ids)
        {
            Assert.Equal(1, created.Count(k => k == id));
            Assert.Equal(1, revokedEvents.Count(k => k == id));
        }
        Assert.Equal(100, ids.Distinct().Count());
    }

    private static async Task<List<string>> AuditKeyIdsAsync(HttpClient admin, string action)
    {
        var ids = new List<string>();
        for (var offset = 0; ; offset += 200)
        {
            var text = await admin.GetStringAsync(new Uri($"/v1/audit?action={action}&limit=200&offset={offset}", UriKind.Relative), Ct);
            using var page = JsonDocument.Parse(text);
            var items = page.RootElement.GetProperty("items");
            ids.AddRange(items.EnumerateArray().Select(e => e.GetProperty("keyId").GetString()!));
            if (items.GetArrayLength() < 200)
            {
                return ids;
            }
        }
    }
}
