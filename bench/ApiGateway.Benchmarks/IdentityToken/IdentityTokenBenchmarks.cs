using System.Security.Cryptography;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.IdentityToken;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Benchmarks.IdentityToken;

/// <summary>
/// The per-request cost of <c>X-Api-Key-Token</c>: the cached path (every request but one per key, workspace and
/// cluster every 40 s) and a fresh ES256 token (the miss: a new key object, a rotation, or a third of the lifetime left).
/// </summary>
[MemoryDiagnoser]
public class IdentityTokenBenchmarks : IDisposable
{
    private DirectoryInfo _dir = null!;
    private SigningKeys _keys = null!;
    private IdentityTokenIssuer _issuer = null!;
    private CachedKey _key = null!;
    private CachedKey _sameKeyReloaded = null!;
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("bench-identity-");
        var path = Path.Combine(_dir.FullName, "signing.pem");
        using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(path, ec.ExportPkcs8PrivateKeyPem());
        }
        var options = Options.Create(new IdentityTokenOptions { Enabled = true, SigningKeyFiles = [path] });
        _keys = new SigningKeys(options, TimeProvider.System, NullLogger<SigningKeys>.Instance);
        _keys.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _issuer = new IdentityTokenIssuer(_keys, TimeProvider.System, options);
        _key = NewCachedKey();
        _sameKeyReloaded = NewCachedKey();
        _issuer.GetToken(_key, "ws_bench", "upstream");
    }

    private static CachedKey NewCachedKey() => new(new ApiKey
    {
        Id = "key_0123456789abcdefghij",
        Name = "bench",
        Prefix = "agw_live_0000000",
        Mode = KeyMode.Live,
        WorkspaceId = "ws_bench",
        Owner = "user_bench",
        Scopes = ["bench:read", "bench:write"],
        LineageId = "lin_bench",
        CreatedAt = DateTimeOffset.UnixEpoch,
        CreatedBy = "adm_bench",
    }, new KeyHash(new byte[KeyHash.Size]), DateTimeOffset.UnixEpoch);

    [Benchmark(Baseline = true)]
    public string Cached() => _issuer.GetToken(_key, "ws_bench", "upstream");

    /// <summary>Alternates two cache objects of one key, so every call signs a new token.</summary>
    [Benchmark]
    public string Fresh()
    {
        _flip = !_flip;
        return _issuer.GetToken(_flip ? _sameKeyReloaded : _key, "ws_bench", "upstream");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _keys?.Dispose();
        _dir?.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
