using System.Diagnostics;

namespace ApiGateway.Bench.LimiterComparison;

internal static class Measure
{
    public sealed record LatencyResult(int Keys, long Ops, double Seconds, double MeanNs, long P50Ns, long P99Ns, long P999Ns, long MaxNs, long Over1Ms);

    public static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Acquires on random keys for <paramref name="seconds"/>, timing each call into a 10 ns histogram.</summary>
    public static LatencyResult Latency(int seconds, string[] keys, Func<string, bool> acquire)
    {
        const int BucketNs = 10;
        var histogram = new long[100_000]; // up to 1 ms at 10 ns resolution
        long over = 0, max = 0, ops = 0, totalTicks = 0;
        var random = new Random(42);
        var end = Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            for (var i = 0; i < 1000; i++)
            {
                var key = keys[random.Next(keys.Length)];
                var t0 = Stopwatch.GetTimestamp();
                acquire(key);
                var ticks = Stopwatch.GetTimestamp() - t0;
                totalTicks += ticks;
                var ns = ticks * 1_000_000_000 / Stopwatch.Frequency;
                max = Math.Max(max, ns);
                if (ns / BucketNs < histogram.Length)
                {
                    histogram[ns / BucketNs]++;
                }
                else
                {
                    over++;
                }
            }
            ops += 1000;
            if (Stopwatch.GetTimestamp() > end)
            {
                break;
            }
        }
        var elapsed = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        return new LatencyResult(keys.Length, ops, elapsed, totalTicks * 1e9 / Stopwatch.Frequency / ops,
            Percentile(histogram, ops, 0.50) * BucketNs, Percentile(histogram, ops, 0.99) * BucketNs, Percentile(histogram, ops, 0.999) * BucketNs, max, over);
    }

    /// <summary>Process CPU time spent per wall second while the caller does nothing (timers and other background work).</summary>
    public static double IdleCpu(int seconds)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        Thread.Sleep(TimeSpan.FromSeconds(seconds)); // a benchmark, not a test: we want the wall time to pass
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMilliseconds / seconds;
    }

    private static long Percentile(long[] histogram, long count, double p)
    {
        var target = (long)(count * p);
        long seen = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= target)
            {
                return i;
            }
        }
        return histogram.Length;
    }
}
