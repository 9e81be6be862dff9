using System.Diagnostics;
using System.Net;
using ApiGateway.Gateway.Tests.Authentication;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Abuse;

/// <summary>
/// Random keys that pass the (public) checksum, sent by one client as fast as it can, while a legitimate client uses its
/// key: the store queries the flood causes, and the legitimate client's latency, with and without the flood.
/// </summary>
public sealed class InvalidKeyFloodTests(ITestOutputHelper output)
{
    private const int FloodWorkers = 8;
    private const int FloodRequestsPerWorker = 500;
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Legitimate = IPAddress.Parse("198.51.100.1");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Flood_RandomWellFormedKeysFromOneClient_StoreQueriesStayWithinTheBudgetAndTheLegitimateKeyWorks()
    {
        await using var factory = new GatewayFactory();
        await factory.InitializeAsync();
        await using var host = factory.WithWebHostBuilder(builder => builder
            // A tier the legitimate client never exhausts: its latency is measured, not its rate limit.
            .UseSetting("RateLimits:DefaultTier", "unlimited")
            .UseSetting("RateLimits:Tiers:unlimited:Limit", "1000000")
            .UseSetting("RateLimits:Tiers:unlimited:PeriodSeconds", "1")
            .ConfigureServices(services => services.AddSingleton<IKeyStore>(sp =>
                new GatedKeyStore(new KeyStore(sp.GetRequiredService<IStoreDialect>(), sp.GetRequiredService<TimeProvider>())))));
        var store = (GatedKeyStore)host.Services.GetRequiredService<IKeyStore>();
        var format = host.Services.GetRequiredService<KeyFormat>();
        var spec = new KeySpec("legit", "ws_main", ["contacts:read"], null, KeyMode.Live, null, null, null, null, [], []);
        var legit = (await host.Services.GetRequiredService<KeyMutationService>().CreateAsync(spec, GatewayFactory.TestActor, Ct)).Issued!.Plaintext;
        Assert.Equal(200, (await SendAsync(host.Server, legit, Legitimate)).StatusCode);

        var quiet = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            quiet.Add(await TimeAsync(host.Server, legit, quiet.Count));
        }

        var queriesBefore = store.Lookups;
        var statuses = new int[600];
        var floodDone = 0;
        var flood = Enumerable.Range(0, FloodWorkers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < FloodRequestsPerWorker; i++)
            {
                var context = await SendAsync(host.Server, format.Mint(KeyMode.Live), Attacker);
                Interlocked.Increment(ref statuses[context.StatusCode]);
            }
        }, Ct)).ToArray();
        var underFlood = new List<double>();
        var legitFailures = 0;
        var all = Task.WhenAll(flood).ContinueWith(_ => Interlocked.Exchange(ref floodDone, 1), TaskScheduler.Default);
        while (Volatile.Read(ref floodDone) == 0)
        {
            var started = Stopwatch.GetTimestamp();
            var context = await SendAsync(host.Server, legit, Legitimate);
            underFlood.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            legitFailures += context.StatusCode == 200 ? 0 : 1;
        }
        await all;
        var floodQueries = store.Lookups - queriesBefore;

        var report =
            $"flood: {FloodWorkers * FloodRequestsPerWorker} random well-formed keys from one IP: 401={statuses[401]} 429={statuses[429]} " +
            $"store queries={floodQueries}; legitimate key: quiet p50={Percentile(quiet, 50):F2} ms p99={Percentile(quiet, 99):F2} ms, " +
            $"under flood p50={Percentile(underFlood, 50):F2} ms p99={Percentile(underFlood, 99):F2} ms ({underFlood.Count} requests, {legitFailures} not 200)";
        output.WriteLine(report);
        Assert.True(legitFailures == 0, report);
        Assert.True(floodQueries <= 60, report);
    }

    private static async Task<double> TimeAsync(TestServer server, string key, int _)
    {
        var started = Stopwatch.GetTimestamp();
        var context = await SendAsync(server, key, Legitimate);
        Assert.Equal(200, context.StatusCode);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResponse> SendAsync(TestServer server, string key, IPAddress client)
    {
        var context = await server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/v1/contacts/1";
            c.Request.Headers.Authorization = "Bearer " + key;
            c.Connection.RemoteIpAddress = client;
        }, Ct);
        return context.Response;
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
    }
}
