// Compares System.Threading.RateLimiting's PartitionedRateLimiter (token bucket per key) with the gateway's GCRA cells
// at many keys: memory, acquire latency (including the stalls the built-in limiter's 100 ms replenishment timer causes
// while it walks every partition under its lock), and the idle background CPU. Run in Release:
//   dotnet run -c Release --project bench/LimiterComparison [-- keys seconds]
using System.Diagnostics;
using System.Threading.RateLimiting;
using ApiGateway.Bench.LimiterComparison;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.RateLimits;
using Microsoft.Extensions.Logging.Abstractions;

var keys = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
var names = Enumerable.Range(0, keys).Select(i => $"lin_{i:D22}").ToArray();
Console.WriteLine($"keys={keys} measure={seconds}s cores={Environment.ProcessorCount} server-gc={System.Runtime.GCSettings.IsServerGC}");
Console.WriteLine();

// --- Built-in: PartitionedRateLimiter with a token bucket per key (100 tokens, +1 every 600 ms ~ 100/min) ---
{
    var baseline = Measure.Heap();
    using var limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ =>
        new TokenBucketRateLimiterOptions
        {
            TokenLimit = 100,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(600),
            QueueLimit = 0,
            AutoReplenishment = false, // GetTokenBucketLimiter forces this: the partitioned limiter's timer replenishes
        }));
    var warm = Stopwatch.StartNew();
    foreach (var name in names)
    {
        limiter.AttemptAcquire(name).Dispose();
    }
    warm.Stop();
    var heap = Measure.Heap() - baseline;
    var latency = Measure.Latency(seconds, names, name =>
    {
        using var lease = limiter.AttemptAcquire(name);
        return lease.IsAcquired;
    });
    var idle = Measure.IdleCpu(seconds);
    Report("PartitionedRateLimiter (token bucket)", warm.Elapsed, heap, latency, idle);
}

// --- Ours: GCRA cell per lineage (rate + daily quota decided under one lock), no timer ---
{
    var baseline = Measure.Heap();
    var options = new StaticOptionsMonitor<RateLimitsOptions>(new RateLimitsOptions());
    using var limiter = new LocalKeyRateLimiter(new NullQuotaStore(), TimeProvider.System, options, new SharedLimiterMode(false), NullLogger<LocalKeyRateLimiter>.Instance);
    var policy = new RateLimitPolicy("free", 100, 60, 10_000, null);
    var warm = Stopwatch.StartNew();
    foreach (var name in names)
    {
        _ = limiter.AcquireAsync(new RateLimitRequest(name, policy), CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }
    warm.Stop();
    await limiter.FlushAsync(CancellationToken.None);
    var heap = Measure.Heap() - baseline;
    var latency = Measure.Latency(seconds, names, name =>
    {
        var pending = limiter.AcquireAsync(new RateLimitRequest(name, policy), CancellationToken.None);
        return pending.Result.IsAllowed;
    });
    var idle = Measure.IdleCpu(seconds);
    Report("GCRA cells (LocalKeyRateLimiter)", warm.Elapsed, heap, latency, idle);

    var flush = Stopwatch.StartNew();
    var rows = await limiter.FlushAsync(CancellationToken.None);
    flush.Stop();
    var sweepKeep = Stopwatch.StartNew();
    var kept = limiter.Sweep(); // every cell used within IdleSeconds: nothing to evict, but all are visited
    sweepKeep.Stop();
    Console.WriteLine($"  flush of {rows} dirty counters (no-op store): {flush.Elapsed.TotalMilliseconds:F1} ms");
    Console.WriteLine($"  sweep visiting {limiter.Count} cells, evicting {kept}: {sweepKeep.Elapsed.TotalMilliseconds:F1} ms (runs every IdleSeconds / 2, one cell lock at a time)");
}

static void Report(string name, TimeSpan warm, long heap, Measure.LatencyResult latency, double idleCpuMsPerSecond)
{
    Console.WriteLine(name);
    Console.WriteLine($"  first acquire of every key: {warm.TotalMilliseconds:F0} ms; heap for the keys: {heap / (1024.0 * 1024):F1} MiB ({(double)heap / latency.Keys:F0} B/key)");
    Console.WriteLine($"  acquire, 1 thread, random keys: {latency.Ops / latency.Seconds / 1e6:F2} M ops/s, mean {latency.MeanNs:F0} ns, p50 {latency.P50Ns} ns, p99 {latency.P99Ns} ns, p99.9 {latency.P999Ns} ns, max {latency.MaxNs / 1000.0:F0} us, ops > 1 ms: {latency.Over1Ms}");
    Console.WriteLine($"  background CPU while idle: {idleCpuMsPerSecond:F1} ms per second");
    Console.WriteLine();
}
