using System.Collections.Concurrent;
using ApiGateway.Keys.Mutations;
using System.Diagnostics;
using System.Net;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;
using Microsoft.Data.Sqlite;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>Crashes, a locked database and restarts, with the real processes.</summary>
[Collection(SerialFaults.Name)]
public sealed class FaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task AdminApiKilledDuringMints_EveryCreatedKeyWorksAndDatabaseIntact()
    {
        await using var pair = await ProcessPair.StartAsync(null, Ct);
        using var admin = pair.Admin.CreateClient();
        var created = new ConcurrentBag<string>();
        var failures = 0;

        async Task MintLoopAsync(int worker)
        {
            for (var i = 0; ; i++)
            {
                try
                {
                    var (_, key) = await ProcessPair.MintAsync(admin,
                        new { name = $"crash {worker}-{i}", workspaceId = "ws_e2e", scopes = new[] { "contacts:read" } }, Ct);
                    created.Add(key);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                    return;
                }
            }
        }

        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() => MintLoopAsync(w), Ct)).ToArray();
        await Poll.UntilAsync(_ => Task.FromResult(created.Count), n => n >= 30, TimeSpan.FromSeconds(60), Ct);
        pair.Admin.Process.Kill();
        await Task.WhenAll(workers);
        Output?.WriteLine($"{created.Count} keys got a 201 before the kill -9; {failures} mints were cut off.");

        await using (var connection = new SqliteConnection(pair.Gateway.ConnectionString + ";Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync(Ct));
        }
        foreach (var key in created)
        {
            using var client = pair.Gateway.CreatePublicClient(key);
            using var response = await client.GetAsync(new Uri("/v1/contacts/after-crash", UriKind.Relative), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"A key that got a 201 answers {response.StatusCode}.");
        }
    }

    /// <summary>
    /// Another writer holds <c>BEGIN EXCLUSIVE</c> for 10 s. In WAL mode that blocks writers only: readers keep their
    /// snapshot, so the gateway still verifies keys it never cached (200, never 401) and its batched writes (usage,
    /// quota) wait and resume. (<c>locking_mode=EXCLUSIVE</c>, which would block readers, cannot even be taken while the
    /// gateway holds the database open: the locker waits out its own busy timeout. The unreadable-store case, 503 for
    /// uncached keys and never 2xx or 401, is <c>Gateway.Tests/Authentication/StoreOutageTests</c>.)
    /// </summary>
    [Fact]
    public async Task DatabaseWriteLockedByAnotherWriter_KeysStillVerifiedNever401ThenWritesResume()
    {
        await using var upstream = new UpstreamServer();
        await upstream.StartAsync(Ct);
        await using var gateway = await GatewayProcess.StartAsync(
            RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", upstream.BaseAddress), ProcessPair.HighLimits, Ct);
        var uncached = new List<ApiGateway.Keys.Mutations.IssuedKey>();
        for (var i = 0; i < 3; i++)
        {
            uncached.Add(await gateway.Keys.MintAsync(["contacts:read"], cancellationToken: Ct));
        }

        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentBag<(TimeSpan Done, HttpStatusCode Status)>();
        await using (var locker = new SqliteConnection(gateway.ConnectionString + ";Pooling=False;Default Timeout=5"))
        {
            await locker.OpenAsync(Ct);
            await using var transaction = (SqliteTransaction)await locker.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, Ct);
            await using (var write = locker.CreateCommand())
            {
                write.Transaction = transaction;
                write.CommandText = "CREATE TABLE IF NOT EXISTS abuse_lock(x); INSERT INTO abuse_lock VALUES (1);";
                await write.ExecuteNonQueryAsync(Ct);
            }
            var lockedUntil = clock.Elapsed + TimeSpan.FromSeconds(10);

            async Task ProbeAsync(ApiGateway.Keys.Mutations.IssuedKey key)
            {
                using var client = gateway.CreatePublicClient(key.Plaintext);
                while (clock.Elapsed < lockedUntil)
                {
                    using var response = await client.GetAsync(new Uri("/v1/contacts/locked", UriKind.Relative), Ct);
                    answers.Add((clock.Elapsed, response.StatusCode));
                }
            }

            var probes = uncached.Select(ProbeAsync).ToList();
            await Task.WhenAll(probes);
            await transaction.RollbackAsync(Ct);
        }

        var statuses = answers.GroupBy(a => a.Status).Select(g => $"{(int)g.Key} x{g.Count()}");
        Output?.WriteLine($"While another writer held the lock for 10 s: {string.Join(", ", statuses)}.");
        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        // Usage is recorded in batches (within 10 s); after the lock the batch lands.
        var usage = await Poll.UntilAsync(async ct =>
        {
            var counts = await Task.WhenAll(uncached.Select(k => gateway.Keys.UsageOfAsync(k.Key.Id, ct)));
            return counts.Sum(c => c.Last24h);
        }, n => n > 0, TimeSpan.FromSeconds(20), Ct);
        Assert.True(usage > 0, $"Usage recorded during the lock never landed. {gateway.Process.Describe()}");
        Assert.False(gateway.Process.HasExited, gateway.Process.Describe());
    }

    /// <summary>
    /// What does block WAL readers: the read-mark locks in the <c>-shm</c> file (bytes 123..127, SQLite's
    /// <c>WAL_READ_LOCK(0..4)</c>). Holding them exclusively (fcntl byte-range locks, as <see cref="FileStream.Lock"/>
    /// takes them on Unix) for 10 s leaves the gateway unable to read the store: uncached keys get 503 "Key store
    /// unavailable" (after the 5 s command timeout), never 2xx or 401; a cached key keeps working within
    /// <c>Auth__StaleSeconds</c>; when the locks go, the uncached key works again by itself.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task StoreUnreadable_Uncached503NeverOkOr401_CachedServed_RecoversByItself()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "fcntl byte-range locks on the -shm file (Linux).");
        await using var upstream = new UpstreamServer();
        await upstream.StartAsync(Ct);
        await using var gateway = await GatewayProcess.StartAsync(
            RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", upstream.BaseAddress), ProcessPair.HighLimits, Ct);
        var cached = await gateway.Keys.MintAsync(["contacts:read"], cancellationToken: Ct);
        var uncached = await gateway.Keys.MintAsync(["contacts:read"], cancellationToken: Ct);
        using var cachedClient = gateway.CreatePublicClient(cached.Plaintext);
        using var uncachedClient = gateway.CreatePublicClient(uncached.Plaintext);
        // A lookup that races the poller applying the mints is served once and not cached: warm until the feed is quiet.
        var warming = Stopwatch.StartNew();
        await Poll.UntilAsync(async ct =>
        {
            using var warm = await cachedClient.GetAsync(new Uri("/v1/contacts/warm", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            return warming.Elapsed;
        }, elapsed => elapsed > TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10), Ct);

        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentBag<(TimeSpan Done, HttpStatusCode Status, bool Cached)>();
        var shm = Path.Combine(gateway.WorkingDirectory.FullName, "keys.db-shm");
        TimeSpan released;
        using (var locks = new FileStream(shm, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            await Poll.UntilAsync(_ =>
            {
                try
                {
                    locks.Lock(123, 5);
                    return Task.FromResult(true);
                }
                catch (IOException)
                {
                    return Task.FromResult(false); // a reader holds a mark right now; take it when it lets go
                }
            }, taken => taken, TimeSpan.FromSeconds(10), Ct);
            var lockedUntil = clock.Elapsed + TimeSpan.FromSeconds(10);

            async Task ProbeAsync(HttpClient client, bool isCached)
            {
                while (clock.Elapsed < lockedUntil)
                {
                    var sent = clock.Elapsed;
                    using var response = await client.GetAsync(new Uri("/v1/contacts/unreadable", UriKind.Relative), Ct);
                    answers.Add((clock.Elapsed, response.StatusCode, isCached));
                    if (!isCached)
                    {
                        Output?.WriteLine($"uncached: sent at {sent.TotalMilliseconds:F0} ms, {(int)response.StatusCode} at {clock.Elapsed.TotalMilliseconds:F0} ms");
                    }
                }
            }

            await Task.WhenAll(ProbeAsync(uncachedClient, isCached: false), ProbeAsync(uncachedClient, isCached: false), ProbeAsync(cachedClient, isCached: true));
            locks.Unlock(123, 5);
            released = clock.Elapsed;
        }

        var recovered = await Poll.UntilAsync(async ct =>
        {
            using var response = await uncachedClient.GetAsync(new Uri("/v1/contacts/recovered", UriKind.Relative), ct);
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20), Ct);
        var recoveredAfter = clock.Elapsed - released;
        Output?.WriteLine($"Store unreadable for 10 s: {string.Join(", ", answers.GroupBy(a => (a.Cached, a.Status)).Select(g => $"{(g.Key.Cached ? "cached" : "uncached")} {(int)g.Key.Status} x{g.Count()}"))}; "
            + $"uncached key worked again {recoveredAfter.TotalMilliseconds:F0} ms after the locks went.");

        Assert.Contains(answers, a => !a.Cached && a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(answers.Where(a => !a.Cached && a.Done < released), a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        Assert.All(answers.Where(a => a.Cached), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(HttpStatusCode.OK, recovered);
    }

    [Fact]
    public async Task GatewayRestart_GracefulLosesNoQuotaKillLosesAtMostTheFlushWindow()
    {
        const int Daily = 30;
        await using var upstream = new UpstreamServer();
        await upstream.StartAsync(Ct);
        await using var gateway = await GatewayProcess.StartAsync(
            RoutesFile.SingleRoute("contacts", "/v1/contacts", "contacts:read", upstream.BaseAddress),
            new Dictionary<string, string>
            {
                ["RateLimits__Tiers__free__Limit"] = "1000000",
                ["RateLimits__Tiers__free__Daily"] = Daily.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RateLimits__QuotaFlushSeconds"] = "1",
            }, Ct);
        var graceful = await gateway.Keys.MintAsync(["contacts:read"], name: "graceful", cancellationToken: Ct);
        var killed = await gateway.Keys.MintAsync(["contacts:read"], name: "killed", cancellationToken: Ct);

        Assert.Equal(20, await SpendAsync(gateway, graceful.Plaintext, 20));
        Assert.Equal(20, await SpendAsync(gateway, killed.Plaintext, 20));
        await gateway.StopAsync();
        await gateway.RestartAsync(Ct);
        // Graceful stop flushes everything: exactly the rest of the quota is left.
        Assert.Equal(Daily - 20, await SpendAsync(gateway, graceful.Plaintext, 20));

        // kill -9 right after spending: what was spent since the last flush (QuotaFlushSeconds = 1) may be lost.
        var beforeKill = await SpendAsync(gateway, killed.Plaintext, 5);
        gateway.Kill();
        await gateway.RestartAsync(Ct);
        var afterKill = await SpendAsync(gateway, killed.Plaintext, 20);
        Output?.WriteLine($"killed key: 20 + {beforeKill} before the kill, {afterKill} after (quota {Daily}).");
        Assert.Equal(5, beforeKill);
        Assert.InRange(20 + beforeKill + afterKill, Daily, Daily + beforeKill);
    }

    private static async Task<int> SpendAsync(GatewayProcess gateway, string key, int count)
    {
        using var client = gateway.CreatePublicClient(key);
        var accepted = 0;
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync(new Uri("/v1/contacts/quota", UriKind.Relative), Ct);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, response.StatusCode.ToString());
            accepted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }
        return accepted;
    }
}
