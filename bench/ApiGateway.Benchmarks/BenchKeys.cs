using ApiGateway.Keys.Format;

namespace ApiGateway.Benchmarks;

/// <summary>Keys minted once per process for the benchmarks (the plaintexts never leave it).</summary>
public static class BenchKeys
{
    public static KeyFormat Format { get; } = new("agw");

    public static KeyHasher Hasher { get; } = new(pepper: null);

    public static string[] Mint(int count) => [.. Enumerable.Range(0, count).Select(_ => Format.Mint(KeyMode.Live))];
}
