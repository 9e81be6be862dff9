using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.RateLimiting;

/// <summary>
/// One real gateway process with its in-process limiter, and the admin API beside it (docs/gateway.md "Workspace
/// limits"): the keys of a workspace share its limit exactly under concurrency, the answers name whose limit was spent,
/// and a PUT through the admin API that lowers the limit is enforced within 1 s (the change feed, no Redis).
/// </summary>
public sealed class WorkspaceLimitsTests : IAsyncLifetime
{
    private ProcessPair _pair = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _pair = await ProcessPair.StartAsync(ProcessPair.ContactsRoute,
        new Dictionary<string, string>
        {
            ["RateLimits__Tiers__pro__Limit"] = "1000",
            ["RateLimits__Tiers__pro__PeriodSeconds"] = "60",
            ["RateLimits__Tiers__free__Limit"] = "2",
            ["RateLimits__Tiers__free__PeriodSeconds"] = "3600",
            ["Logging__LogLevel__Default"] = "Warning",
        }, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }

    [Fact]
    public async Task WorkspaceLimit_1000ConcurrentOver10Keys_Exactly100Pass_20Runs()
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 100 }) { BaseAddress = _pair.Gateway.PublicAddress, Timeout = TimeSpan.FromSeconds(30) };
        for (var run = 0; run < 20; run++)
        {
            var workspace = $"ws_pool_{run}_{Guid.NewGuid():N}";
            var keys = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                keys.Add((await _pair.Gateway.Keys.MintAsync(["contacts:read"], name: $"key {i}", workspaceId: workspace, tier: "pro", cancellationToken: Ct)).Plaintext);
            }
            await _pair.Gateway.Keys.LimitWorkspaceAsync(workspace, 100, 3600, Ct);

            var statuses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/contacts/1", UriKind.Relative));
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {keys[i % keys.Count]}");
                using var response = await client.SendAsync(request, Ct);
                return (int)response.StatusCode;
            }));

            var (ok, limited) = (statuses.Count(s => s == 200), statuses.Count(s => s == 429));
            Assert.True(ok == 100 && limited == 900, $"run {run}: {ok} x 200, {limited} x 429, others: {string.Join(",", statuses.Where(s => s is not (200 or 429)).Distinct())}");
        }
    }

    [Fact]
    public async Task WorkspaceLimit_HeadersListKeyThenWorkspace_RefusalNamesWhoseLimit()
    {
        var workspace = $"ws_headers_{Guid.NewGuid():N}";
        var key = await _pair.Gateway.Keys.MintAsync(["contacts:read"], name: "headers", workspaceId: workspace, tier: "free", cancellationToken: Ct);
        await _pair.Gateway.Keys.LimitWorkspaceAsync(workspace, 1, 3600, Ct);
        using var client = _pair.Gateway.CreatePublicClient(key.Plaintext);

        using var first = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
        using var second = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("\"free\";q=2;w=3600, ", first.Headers.GetValues("RateLimit-Policy").Single(), StringComparison.Ordinal);
        Assert.EndsWith("\"workspace\";q=1;w=3600", first.Headers.GetValues("RateLimit-Policy").Single(), StringComparison.Ordinal);
        Assert.StartsWith("\"free\";r=1;t=1800, ", first.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        Assert.EndsWith("\"workspace\";r=0;t=3600", first.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        // The second request is decided a moment after the first spent the bucket: the wait is the rest of the hour,
        // which reads 3599 when that moment crosses a second boundary (seen once under load).
        Assert.InRange(int.Parse(second.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 3590, 3600);
        Assert.Contains("The workspace's limit of 1 requests per 3600 seconds, shared by all its keys, is spent.",
            await second.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // The refusal spent nothing of the key's own bucket: still one left.
        Assert.StartsWith("\"free\";r=1;", second.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkspaceLimit_LoweredThroughAdminApi_EnforcedWithinOneSecond()
    {
        var workspace = $"ws_lowered_{Guid.NewGuid():N}";
        var key = await _pair.Gateway.Keys.MintAsync(["contacts:read"], name: "lowered", workspaceId: workspace, tier: "pro", cancellationToken: Ct);
        using var admin = _pair.Admin.CreateClient();
        using (var put = await admin.PutAsJsonAsync(new Uri($"/v1/workspaces/{workspace}/limits", UriKind.Relative),
            new { rateLimit = new { limit = 1000, periodSeconds = 3600 } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        using var client = _pair.Gateway.CreatePublicClient(key.Plaintext);
        using (var before = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var lowered = await admin.PutAsJsonAsync(new Uri($"/v1/workspaces/{workspace}/limits", UriKind.Relative),
            new { rateLimit = new { limit = 1, periodSeconds = 3600 } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, lowered.StatusCode);
        }
        var since = Stopwatch.StartNew();
        var refusedAfter = TimeSpan.MaxValue;
        while (since.Elapsed < TimeSpan.FromSeconds(5))
        {
            using var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refusedAfter = since.Elapsed;
                Assert.Contains("The workspace's limit of 1 requests", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
                break;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"The lowered limit applied after {refusedAfter.TotalMilliseconds:F0} ms.");
        Assert.True(refusedAfter <= TimeSpan.FromSeconds(1), $"the lowered limit took {refusedAfter}");

        using (var removed = await admin.DeleteAsync(new Uri($"/v1/workspaces/{workspace}/limits", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
        var admitted = await Poll.UntilAsync(async ct =>
        {
            using var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), ct);
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(HttpStatusCode.OK, admitted);
    }
}
