using ApiGateway.Gateway.Metrics;

namespace ApiGateway.Gateway.Tests.Metrics;

public sealed class RuntimeMetricsTests
{
    [Fact]
    public async Task Register_CustomRegistry_ExposesProcessAndRuntimeMetrics()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        RuntimeMetrics.Register(registry);

        var names = (await MetricsText.ScrapeAsync(registry)).Select(s => s.Name).ToHashSet();

        Assert.Contains("process_cpu_seconds_total", names);
        Assert.Contains("process_working_set_bytes", names);
        Assert.Contains("dotnet_collection_count_total", names);
        Assert.Contains("dotnet_threadpool_threads", names);
        Assert.Contains("dotnet_gc_heap_size_bytes", names);
        Assert.Contains("dotnet_gc_allocated_bytes_total", names);
    }
}
