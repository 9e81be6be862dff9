// Micro-benchmarks of the gateway's per-request work; run with bench/micro.sh (docs/benchmark.md).
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ApiGateway.Benchmarks.BenchKeys).Assembly).Run(args);
