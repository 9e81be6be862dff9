using ApiGateway.Keys.Scopes;
using BenchmarkDotNet.Attributes;

namespace ApiGateway.Benchmarks.Scopes;

/// <summary>What a route requires for a method, and whether a key's scopes cover it (the common, allowed case).</summary>
[MemoryDiagnoser]
public class ScopeCheckBenchmarks
{
    private readonly RouteScopePolicy _resourceRoute = Parse(new() { ["Resource"] = "contacts" });
    private readonly RouteScopePolicy _scopesRoute = Parse(new() { ["Scopes"] = "invoices:read", ["Scopes.POST"] = "invoices:write" });
    private readonly string[] _granted = ["contacts:read", "contacts:write", "invoices:read"];
    private readonly string[] _wildcardRead = ["*:read"];

    [Benchmark(Baseline = true)]
    public int ResourceRoute_Get() => ScopeGrant.Missing(_granted, _resourceRoute.RequiredFor("GET")!).Count;

    [Benchmark]
    public int ScopesRoute_Get() => ScopeGrant.Missing(_granted, _scopesRoute.RequiredFor("GET")!).Count;

    [Benchmark]
    public int ResourceRoute_Get_WildcardRead() => ScopeGrant.Missing(_wildcardRead, _resourceRoute.RequiredFor("GET")!).Count;

    private static RouteScopePolicy Parse(Dictionary<string, string> metadata) => RouteScopePolicy.Parse(metadata, out _);
}
