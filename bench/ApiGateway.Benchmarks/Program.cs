// Micro-benchmarks of the gateway's per-request work; run with bench/micro.sh (docs/benchmark.md).
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// A loaded 2-core machine can take longer than the default 2 minutes to build the benchmark host.
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
BenchmarkSwitcher.FromAssembly(typeof(ApiGateway.Benchmarks.BenchKeys).Assembly).Run(args, config);
