using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>The key store becomes unreachable (its file replaced by a directory): 503, never 401 or 2xx, cached keys for Auth:StaleSeconds.</summary>
public sealed class StoreOutageTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string[] Suffixes = ["", "-wal", "-shm"];

    private void BreakStore()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in Suffixes)
        {
            if (File.Exists(factory.DatabasePath + suffix))
            {
                File.Move(factory.DatabasePath + suffix, factory.DatabasePath + suffix + ".aside");
            }
        }
        // A background reader (the change poller, a usage flush) may have opened the path in between and so created an
        // empty database there: remove it, or the directory that makes the store unreachable cannot take its place.
        File.Delete(factory.DatabasePath);
        Directory.CreateDirectory(factory.DatabasePath);
        SqliteConnection.ClearAllPools();
    }

    private void RestoreStore()
    {
        Directory.Delete(factory.DatabasePath);
        foreach (var suffix in Suffixes)
        {
            if (File.Exists(factory.DatabasePath + suffix + ".aside"))
            {
                // Overwrite: a background reader may have created an empty file at the path since the directory went.
                File.Move(factory.DatabasePath + suffix + ".aside", factory.DatabasePath + suffix, overwrite: true);
            }
        }
        SqliteConnection.ClearAllPools();
    }

    private async Task<int> ReadyzAsync()
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/readyz";
            c.Connection.LocalPort = 9091;
        }, Ct);
        return context.Response.StatusCode;
    }

    [Fact]
    public async Task Request_StoreUnreachable_UncachedKey503CachedKeyUntilStale()
    {
        var cached = await factory.MintAsync(["contacts:read"]);
        var uncached = await factory.MintAsync(["contacts:read"]);
        using var cachedClient = factory.CreateKeyClient(cached.Plaintext);
        using var uncachedClient = factory.CreateKeyClient(uncached.Plaintext);
        using (var warm = await cachedClient.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }
        Assert.Equal(StatusCodes.Status200OK, await ReadyzAsync());

        BreakStore();
        try
        {
            using (var refused = await uncachedClient.GetAsync("/v1/contacts/1", Ct))
            {
                await ProblemAssert.HasAsync(refused, 503, "Key store unavailable", "key-store-unavailable");
                Assert.NotNull(refused.Headers.RetryAfter);
            }
            using (var stillServed = await cachedClient.GetAsync("/v1/contacts/1", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);
            }

            // Past Auth:StaleSeconds (30) without a successful poll: cached keys stop working too.
            factory.Clock.Advance(TimeSpan.FromSeconds(31));
            using (var stale = await cachedClient.GetAsync("/v1/contacts/1", Ct))
            {
                await ProblemAssert.HasAsync(stale, 503, "Key store unavailable", "key-store-unavailable");
            }
            Assert.Equal(StatusCodes.Status503ServiceUnavailable, await ReadyzAsync());
        }
        finally
        {
            RestoreStore();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            factory.AdvancePoll();
            using var response = await cachedClient.GetAsync("/v1/contacts/1", Ct);
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(StatusCodes.Status200OK, await ReadyzAsync());
    }
}
