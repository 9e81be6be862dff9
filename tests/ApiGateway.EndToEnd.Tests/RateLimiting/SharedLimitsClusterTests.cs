using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.RateLimiting;

/// <summary>
/// Three real gateway processes sharing one SQLite database and one private <c>redis-server</c> (<c>RateLimits:Redis</c>),
/// started once for the class: limits hold across them exactly, Redis going away falls back as each tier says, and
/// coming back restores shared limits; a revocation through the admin API reaches all three through Redis pub/sub;
/// usage recorded by the three adds up in the shared store.
/// </summary>
public sealed class SharedLimitsClusterTests(SharedLimitsClusterTests.Cluster cluster) : IClassFixture<SharedLimitsClusterTests.Cluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_1000ConcurrentOver3Gateways_Exactly100Pass_20Runs()
    {
        Assert.SkipWhen(cluster.Redis.SkipReason is not null, cluster.Redis.SkipReason ?? "");
        var watch = Stopwatch.StartNew();
        for (var run = 0; run < 20; run++)
        {
            var key = await cluster.Gateways[0].Keys.MintAsync(["contacts:read"], name: $"run {run}", cancellationToken: Ct);
            var (ok, limited, other) = await cluster.FireAsync(key.Plaintext, 1000);
            Assert.True(ok == 100 && limited == 900 && other == 0, $"run {run}: {ok} x 2xx, {limited} x 429, {other} other; {await cluster.BackendErrorsAsync()}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"20 x 1000 requests over 3 gateways in {watch.Elapsed.TotalSeconds:F1} s.");
    }

    /// <summary>
    /// docs/gateway.md "Workspace limits": ten keys of one workspace (each of tier pro, 1000 a minute) share the
    /// workspace's 100 an hour, across three gateways, decided with each key's own limit in one Redis call.
    /// </summary>
    [Fact]
    public async Task WorkspaceLimit_1000ConcurrentOver10KeysAnd3Gateways_Exactly100Pass_20Runs()
    {
        Assert.SkipWhen(cluster.Redis.SkipReason is not null, cluster.Redis.SkipReason ?? "");
        var store = cluster.Gateways[0].Keys;
        var watch = Stopwatch.StartNew();
        for (var run = 0; run < 20; run++)
        {
            var workspace = $"ws_pool_{run}_{Guid.NewGuid():N}";
            var keys = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                keys.Add((await store.MintAsync(["contacts:read"], name: $"run {run} key {i}", workspaceId: workspace, tier: "pro", cancellationToken: Ct)).Plaintext);
            }
            await store.LimitWorkspaceAsync(workspace, 100, 3600, Ct);

            var (ok, limited, other) = await cluster.FireAsync(keys, 1000);

            Assert.True(ok == 100 && limited == 900 && other == 0, $"run {run}: {ok} x 2xx, {limited} x 429, {other} other; {await cluster.BackendErrorsAsync()}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"20 x 1000 requests over 10 keys and 3 gateways in {watch.Elapsed.TotalSeconds:F1} s.");
    }

    /// <summary>A PUT through the admin API that lowers a workspace's limit is enforced by all three gateways within 1 s.</summary>
    [Fact]
    public async Task WorkspaceLimit_LoweredThroughAdminApi_EnforcedAtAllThreeGatewaysWithinOneSecond()
    {
        Assert.SkipWhen(cluster.Redis.SkipReason is not null, cluster.Redis.SkipReason ?? "");
        var workspace = $"ws_lowered_{Guid.NewGuid():N}";
        var key = await cluster.Gateways[0].Keys.MintAsync(["contacts:read"], name: "lowered", workspaceId: workspace, tier: "pro", cancellationToken: Ct);
        using var admin = cluster.Admin.CreateClient();
        using (var put = await admin.PutAsJsonAsync(new Uri($"/v1/workspaces/{workspace}/limits", UriKind.Relative),
            new { rateLimit = new { limit = 1000, periodSeconds = 3600 } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        var clients = cluster.Gateways.Select(g => g.CreatePublicClient(key.Plaintext)).ToArray();
        try
        {
            foreach (var client in clients)
            {
                using var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("\"workspace\";q=1000;w=3600", response.Headers.GetValues("RateLimit-Policy").Single(), StringComparison.Ordinal);
            }
            using (var lowered = await admin.PutAsJsonAsync(new Uri($"/v1/workspaces/{workspace}/limits", UriKind.Relative),
                new { rateLimit = new { limit = 3, periodSeconds = 3600 } }, Ct))
            {
                Assert.Equal(HttpStatusCode.OK, lowered.StatusCode);
            }
            var since = Stopwatch.StartNew();
            var elapsed = await Task.WhenAll(clients.Select(async client =>
            {
                while (since.Elapsed < TimeSpan.FromSeconds(5))
                {
                    using var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        Assert.Contains("workspace's limit of 3 requests", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
                        return since.Elapsed;
                    }
                }
                return TimeSpan.MaxValue;
            }));
            TestContext.Current.TestOutputHelper?.WriteLine($"The lowered limit reached the gateways in {string.Join(", ", elapsed.Select(e => $"{e.TotalMilliseconds:F0} ms"))}.");
            Assert.All(elapsed, e => Assert.True(e <= TimeSpan.FromSeconds(1), $"the lowered limit took {e}"));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Redis_KilledMidLoad_OpenTierFallsBackLocallyClosedTierIs503_RecoversWhenBack()
    {
        Assert.SkipWhen(cluster.Redis.SkipReason is not null, cluster.Redis.SkipReason ?? "");
        var open = await cluster.Gateways[0].Keys.MintAsync(["contacts:read"], name: "open", cancellationToken: Ct);
        var closed = await cluster.Gateways[0].Keys.MintAsync(["contacts:read"], name: "closed", tier: "strict", cancellationToken: Ct);
        var (ok, _, _) = await cluster.FireAsync(open.Plaintext, 60);
        Assert.Equal(60, ok);

        await cluster.Redis.StopAsync();
        try
        {
            // Fail open: each gateway's own bucket of 100 decides (the 60 spent in Redis are not seen locally).
            var (openOk, openLimited, openOther) = await cluster.FireAsync(open.Plaintext, 330);
            Assert.True(openOk == 300 && openLimited == 30 && openOther == 0, $"fail open: {openOk} x 2xx, {openLimited} x 429, {openOther} other.");
            using (var client = cluster.Gateways[1].CreatePublicClient(closed.Plaintext))
            using (var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Contains("Rate limiter unavailable", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            }
            foreach (var gateway in cluster.Gateways)
            {
                using var internalClient = gateway.CreateInternalClient();
                var ready = await internalClient.GetStringAsync(new Uri("/readyz", UriKind.Relative), Ct);
                Assert.Contains("\"degraded\"", ready, StringComparison.Ordinal);
                var metrics = await internalClient.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
                Assert.Contains("gateway_ratelimit_backend_up 0", metrics, StringComparison.Ordinal);
            }
        }
        finally
        {
            await cluster.Redis.StartAsync();
        }

        foreach (var gateway in cluster.Gateways)
        {
            using var internalClient = gateway.CreateInternalClient();
            var ready = await Poll.UntilAsync(ct => internalClient.GetStringAsync(new Uri("/readyz", UriKind.Relative), ct),
                r => r.Contains("\"ready\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15), Ct);
            Assert.Contains("\"redis\"", ready, StringComparison.Ordinal);
        }
        var fresh = await cluster.Gateways[0].Keys.MintAsync(["contacts:read"], name: "after", cancellationToken: Ct);
        var (afterOk, afterLimited, afterOther) = await cluster.FireAsync(fresh.Plaintext, 300);
        Assert.True(afterOk == 100 && afterLimited == 200 && afterOther == 0, $"after recovery: {afterOk} x 2xx, {afterLimited} x 429, {afterOther} other.");
    }

    [Fact]
    public async Task Usage_RequestsSpreadOver3Gateways_AddUpInTheSharedStore()
    {
        Assert.SkipWhen(cluster.Redis.SkipReason is not null, cluster.Redis.SkipReason ?? "");
        var key = await cluster.Gateways[0].Keys.MintAsync(["contacts:read"], name: "usage", cancellationToken: Ct);
        var (ok, limited, _) = await cluster.FireAsync(key.Plaintext, 150);
        Assert.Equal(150, ok + limited); // usage counts every authenticated request, 429s included

        var usage = await Poll.UntilAsync(ct => cluster.Gateways[0].Keys.UsageOfAsync(key.Key.Id, ct), u => u.Last24h >= 150, TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(150, usage.Last24h);
    }

    /// <summary>The gateways poll only every 1 s here, so staying well inside 1 s needs the admin API's <c>keys:changed</c> on Redis.</summary>
    [Fact]
    public async Task Revoke_ThroughAdminApi_RefusedAtAllThreeGatewaysWithinOneSecond()
    {
        Assert.SkipWhen(cluster.Redis.SkipReason is not null, cluster.Redis.SkipReason ?? "");
        using var admin = cluster.Admin.CreateClient();
        using var created = await admin.PostAsJsonAsync(new Uri("/v1/keys", UriKind.Relative),
            new { name = "fan-out", workspaceId = "ws_e2e", scopes = new[] { "contacts:read" }, tier = "pro" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var record = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        var id = record.RootElement.GetProperty("id").GetString()!;
        var key = record.RootElement.GetProperty("key").GetString()!;
        var clients = cluster.Gateways.Select(g => g.CreatePublicClient(key)).ToArray();
        try
        {
            foreach (var client in clients)
            {
                using var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            using (var revoked = await admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct))
            {
                Assert.True(revoked.IsSuccessStatusCode);
            }
            var since = Stopwatch.StartNew();
            var elapsed = await Task.WhenAll(clients.Select(async client =>
            {
                while (since.Elapsed < TimeSpan.FromSeconds(5))
                {
                    using var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
                    if (response.StatusCode == HttpStatusCode.Unauthorized)
                    {
                        return since.Elapsed;
                    }
                }
                return TimeSpan.MaxValue;
            }));
            TestContext.Current.TestOutputHelper?.WriteLine($"Revocation reached the gateways in {string.Join(", ", elapsed.Select(e => $"{e.TotalMilliseconds:F0} ms"))}.");
            Assert.All(elapsed, e => Assert.True(e <= TimeSpan.FromSeconds(1), $"revocation took {e}"));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>redis-server, an upstream, 3 gateways on one database and Redis, and the admin API beside the first.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private readonly List<HttpClient> _clients = [];

        public RedisServer Redis { get; } = new();

        public UpstreamServer Upstream { get; } = new();

        public List<GatewayProcess> Gateways { get; } = [];

        public AdminApiProcess Admin { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            await Redis.InitializeAsync();
            if (Redis.SkipReason is not null)
            {
                return;
            }
            await Upstream.StartAsync(TestContext.Current.CancellationToken);
            var routes = RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", Upstream.BaseAddress);
            var settings = new Dictionary<string, string>
            {
                ["RateLimits__Redis"] = Redis.ConnectionString,
                ["RateLimits__DefaultTier"] = "free",
                ["RateLimits__Tiers__free__Limit"] = "100",
                ["RateLimits__Tiers__free__PeriodSeconds"] = "3600",
                ["RateLimits__Tiers__pro__Limit"] = "1000",
                ["RateLimits__Tiers__pro__PeriodSeconds"] = "60",
                ["RateLimits__Tiers__strict__Limit"] = "100",
                ["RateLimits__Tiers__strict__PeriodSeconds"] = "3600",
                ["RateLimits__Tiers__strict__RedisFailure"] = "closed",
                ["Logging__LogLevel__Default"] = "Warning",
                // The slowest poll allowed: revocation well inside 1 s at all three comes from the Redis fan-out.
                ["Auth__PollIntervalMilliseconds"] = "1000",
            };
            var first = await GatewayProcess.StartAsync(routes, settings, TestContext.Current.CancellationToken);
            Gateways.Add(first);
            settings["ConnectionStrings__KeyStore"] = first.ConnectionString;
            var others = await Task.WhenAll(
                GatewayProcess.StartAsync(routes, settings, TestContext.Current.CancellationToken),
                GatewayProcess.StartAsync(routes, settings, TestContext.Current.CancellationToken));
            Gateways.AddRange(others);
            Admin = await AdminApiProcess.StartBesideAsync(first, TestContext.Current.CancellationToken);
        }

        /// <summary>Each gateway's <c>gateway_ratelimit_backend_errors_total</c>, for failure messages.</summary>
        public async Task<string> BackendErrorsAsync()
        {
            var lines = new List<string>();
            foreach (var gateway in Gateways)
            {
                using var client = gateway.CreateInternalClient();
                var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
                lines.AddRange(metrics.Split('\n').Where(l => l.StartsWith("gateway_ratelimit_backend_errors_total", StringComparison.Ordinal)));
            }
            return string.Join("; ", lines);
        }

        /// <summary>
        /// Sends <paramref name="count"/> concurrent requests round-robin over the gateways (one client per gateway for the
        /// whole class, at most 100 connections each); counts 2xx, 429 and the rest.
        /// </summary>
        public Task<(int Ok, int Limited, int Other)> FireAsync(string key, int count) => FireAsync([key], count);

        /// <summary>As <see cref="FireAsync(string, int)"/>, the requests spread round-robin over <paramref name="keys"/> too.</summary>
        public async Task<(int Ok, int Limited, int Other)> FireAsync(IReadOnlyList<string> keys, int count)
        {
            if (_clients.Count == 0)
            {
                _clients.AddRange(Gateways.Select(g => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 100 })
                {
                    BaseAddress = g.PublicAddress,
                    Timeout = TimeSpan.FromSeconds(30),
                }));
            }
            var statuses = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/contacts/1", UriKind.Relative));
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {keys[i % keys.Count]}");
                using var response = await _clients[i % _clients.Count].SendAsync(request, TestContext.Current.CancellationToken);
                return (int)response.StatusCode;
            }));
            return (statuses.Count(s => s is >= 200 and < 300), statuses.Count(s => s == 429), statuses.Count(s => s is < 200 or (>= 300 and not 429)));
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
            if (Admin is not null)
            {
                await Admin.DisposeAsync();
            }
            foreach (var gateway in Enumerable.Reverse(Gateways))
            {
                await gateway.DisposeAsync();
            }
            await Upstream.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }
}
