using System.Security.Cryptography;
using ApiGateway.Gateway.IdentityToken;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.IdentityToken;

public sealed class SigningKeyFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("signing-keys-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void Parse_P256Pkcs8AndSec1_KeyIdIsTheRfc7638Thumbprint()
    {
        var pem = TestSigningKeys.NewPem();
        using var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        var sec1 = ec.ExportECPrivateKeyPem();

        Assert.Equal(TestSigningKeys.Thumbprint(pem), SigningKeyFile.Parse(pem, "a.pem").KeyId);
        Assert.Equal(TestSigningKeys.Thumbprint(pem), SigningKeyFile.Parse(sec1, "a.pem").KeyId);
    }

    public static TheoryData<string, string> Unusable()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        return new()
        {
            { "p384", p384.ExportPkcs8PrivateKeyPem() },
            { "public only", p256.ExportSubjectPublicKeyInfoPem() },
            { "rsa", rsa.ExportPkcs8PrivateKeyPem() },
            { "garbage", "not a key" },
            { "empty", "" },
        };
    }

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Parse_UnusableKey_InvalidDataNamingTheFileNotTheKey(string kind, string pem)
    {
        var error = Assert.Throws<InvalidDataException>(() => SigningKeyFile.Parse(pem, "keys/next.pem"));

        Assert.Contains("'keys/next.pem'", error.Message, StringComparison.Ordinal);
        Assert.True(pem.Length < 20 || !error.Message.Contains(pem[30..60], StringComparison.Ordinal), kind);
    }

    [Fact]
    public async Task LoadOrCreate_NoFile_CreatesMode0600OnceThenLoadsTheSameKey()
    {
        var path = PathOf("data/identity-signing-key.pem");
        var clock = new FakeTimeProvider();

        var (first, created) = await SigningKeyFile.LoadOrCreateAsync(path, clock, Ct);
        var (second, createdAgain) = await SigningKeyFile.LoadOrCreateAsync(path, clock, Ct);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first.KeyId, second.KeyId);
        Assert.Equal(TestSigningKeys.Thumbprint(await File.ReadAllTextAsync(path, Ct)), first.KeyId);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    /// <summary>
    /// Another gateway on the same data directory is creating the key (holds the lock): this one waits, creates nothing,
    /// and signs with the key the other one wrote, so both publish and sign with one key.
    /// </summary>
    [Fact]
    public async Task LoadOrCreate_AnotherGatewayCreating_WaitsAndLoadsItsKey()
    {
        var path = PathOf("identity-signing-key.pem");
        var clock = new FakeTimeProvider();
        var otherGatewaysLock = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        // The first attempt runs before the call returns: it finds the lock held and waits on the clock.
        var loading = SigningKeyFile.LoadOrCreateAsync(path, clock, Ct);
        for (var i = 0; i < 5; i++)
        {
            Assert.False(loading.IsCompleted);
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Yield();
        }
        Assert.False(File.Exists(path));
        var winner = TestSigningKeys.NewPem();
        TestSigningKeys.Write(path, winner);
        await otherGatewaysLock.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!loading.IsCompleted && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(5, Ct);
        }
        var (key, created) = await loading;

        Assert.False(created);
        Assert.Equal(TestSigningKeys.Thumbprint(winner), key.KeyId);
    }

    [Fact]
    public async Task LoadOrCreate_ManyConcurrentStarts_OneKeyForAll()
    {
        var path = PathOf("race/identity-signing-key.pem");
        var starts = Enumerable.Range(0, 8).Select(_ => Task.Run(() => SigningKeyFile.LoadOrCreateAsync(path, TimeProvider.System, Ct), Ct));

        var results = await Task.WhenAll(starts);

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Key.KeyId).Distinct());
        Assert.Equal(TestSigningKeys.Thumbprint(await File.ReadAllTextAsync(path, Ct)), results[0].Key.KeyId);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
