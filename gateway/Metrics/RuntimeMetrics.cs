using Prometheus;

namespace ApiGateway.Gateway.Metrics;

/// <summary>
/// .NET runtime gauges read at scrape time (thread pool, GC, allocation, lock contention), next to prometheus-net's
/// <see cref="DotNetStats"/> (process CPU, memory, handles, GC counts). Both hang off the host's own registry through a
/// before-collect callback: no listener, no static state. prometheus-net's MeterAdapter and EventCounterAdapter are
/// not used: the first keeps process-wide static maps that parallel test hosts would share.
/// </summary>
internal static class RuntimeMetrics
{
    public static void Register(CollectorRegistry registry)
    {
        DotNetStats.Register(registry);

        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var threads = factory.CreateGauge("dotnet_threadpool_threads", "Thread pool threads.");
        var queue = factory.CreateGauge("dotnet_threadpool_queue_length", "Work items queued to the thread pool.");
        var completed = factory.CreateCounter("dotnet_threadpool_completed_items_total", "Work items the thread pool has completed.");
        var heap = factory.CreateGauge("dotnet_gc_heap_size_bytes", "GC heap size after the last collection.");
        var pause = factory.CreateCounter("dotnet_gc_pause_seconds_total", "Time the GC has paused the process.");
        var allocated = factory.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap.");
        var contention = factory.CreateCounter("dotnet_monitor_lock_contention_total", "Times a thread waited for a contended lock.");

        registry.AddBeforeCollectCallback(() =>
        {
            threads.Set(ThreadPool.ThreadCount);
            queue.Set(ThreadPool.PendingWorkItemCount);
            completed.IncTo(ThreadPool.CompletedWorkItemCount);
            heap.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
            pause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
            allocated.IncTo(GC.GetTotalAllocatedBytes());
            contention.IncTo(Monitor.LockContentionCount);
        });
    }
}
