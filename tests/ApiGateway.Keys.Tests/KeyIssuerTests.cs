using System.Security.Cryptography;
using System.Text;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Tests.Storage.Sqlite;

namespace ApiGateway.Keys.Tests;

public sealed class KeyIssuerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_Spec_ReturnsParsablePlaintextAndStoresOnlyItsHash()
    {
        using var store = await TestStore.CreateAsync();

        var result = await store.Issuer.CreateAsync(TestStore.Spec(mode: KeyMode.Test), TestStore.Admin, Ct);

        Assert.Equal(CreateKeyStatus.Created, result.Status);
        var issued = result.Issued!;
        Assert.True(store.Format.TryParse(issued.Plaintext, out var mode));
        Assert.Equal(KeyMode.Test, mode);
        Assert.Equal(issued.Plaintext[..16], issued.Key.Prefix);
        Assert.StartsWith("key_", issued.Key.Id, StringComparison.Ordinal);
        Assert.StartsWith("lin_", issued.Key.LineageId, StringComparison.Ordinal);
        Assert.Equal(TestStore.Admin.Id, issued.Key.CreatedBy);
        Assert.Equal(TestStore.Start, issued.Key.CreatedAt);
        var byHash = await store.Keys.FindByHashAsync(new KeyHash(SHA256.HashData(Encoding.UTF8.GetBytes(issued.Plaintext))), Ct);
        Assert.Equal(issued.Key.Id, byHash?.Id);
    }

    [Fact]
    public async Task CreateAsync_WithPepper_StoresHmacNotSha256()
    {
        using var store = await TestStore.CreateAsync(pepper: "pepper");

        var issued = (await store.Issuer.CreateAsync(TestStore.Spec(), TestStore.Admin, Ct)).Issued!;

        var plain = Encoding.UTF8.GetBytes(issued.Plaintext);
        Assert.Null(await store.Keys.FindByHashAsync(new KeyHash(SHA256.HashData(plain)), Ct));
        Assert.Equal(issued.Key.Id, (await store.Keys.FindByHashAsync(new KeyHash(HMACSHA256.HashData("pepper"u8, plain)), Ct))?.Id);
    }

    [Fact]
    public async Task CreateAsync_OwnerAtCap_ReturnsNoKey()
    {
        using var store = await TestStore.CreateAsync(maxActivePerOwner: 1);
        await store.MintAsync(TestStore.Spec(owner: "alice"));

        var result = await store.Issuer.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct);

        Assert.Equal(CreateKeyStatus.OwnerLimitReached, result.Status);
        Assert.Null(result.Issued);
    }

    [Fact]
    public async Task RotateAsync_OldKeyHadLifetime_SuccessorGetsSameLength()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync(TestStore.Spec(expiresAt: TestStore.Start.AddDays(30)));
        store.Clock.Advance(TimeSpan.FromDays(10));

        var result = await store.Issuer.RotateAsync(old.Key.Id, TimeSpan.Zero, null, TestStore.Admin, Ct);

        Assert.Equal(store.Clock.GetUtcNow().AddDays(30), result.Successor!.Key.ExpiresAt);
        Assert.Equal(old.Key.Id, result.Predecessor!.Id);
        Assert.Equal(store.Clock.GetUtcNow(), result.Predecessor.RevokedAt);
    }

    [Fact]
    public async Task RotateAsync_OldKeyExpiresAtTheEndOfTime_SuccessorLifetimeCappedAtTenYears()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync(TestStore.Spec(expiresAt: DateTimeOffset.MaxValue));
        store.Clock.Advance(TimeSpan.FromDays(1));

        var result = await store.Issuer.RotateAsync(old.Key.Id, TimeSpan.FromHours(1), null, TestStore.Admin, Ct);

        Assert.Equal(RotateKeyStatus.Rotated, result.Status);
        Assert.Equal(store.Clock.GetUtcNow().AddDays(3650), result.Successor!.Key.ExpiresAt);
        Assert.Equal(store.Clock.GetUtcNow().AddHours(1), result.Predecessor!.ExpiresAt);
    }

    [Fact]
    public async Task RotateAsync_ExplicitExpiry_Wins()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync(TestStore.Spec(expiresAt: TestStore.Start.AddDays(30)));

        var result = await store.Issuer.RotateAsync(old.Key.Id, TimeSpan.Zero, TestStore.Start.AddDays(2), TestStore.Admin, Ct);

        Assert.Equal(TestStore.Start.AddDays(2), result.Successor!.Key.ExpiresAt);
    }

    [Fact]
    public async Task RotateAsync_OldKeyNeverExpired_SuccessorNeverExpires()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync();

        var result = await store.Issuer.RotateAsync(old.Key.Id, TimeSpan.Zero, null, TestStore.Admin, Ct);

        Assert.Null(result.Successor!.Key.ExpiresAt);
    }

    [Fact]
    public async Task BootstrapAsync_NoSecret_GeneratesOwnerCredentialOnce()
    {
        using var store = await TestStore.CreateAsync();

        var issued = await store.Issuer.BootstrapAsync(null, Ct);
        var again = await store.Issuer.BootstrapAsync(null, Ct);

        Assert.NotNull(issued);
        Assert.Null(again);
        Assert.StartsWith("agw_admin_", issued.Plaintext, StringComparison.Ordinal);
        Assert.True(store.Format.TryParse(issued.Plaintext, out var mode));
        Assert.Equal(KeyMode.Admin, mode);
        Assert.Equal(AdminRole.Owner, issued.Credential.Role);
        Assert.Equal(issued.Credential.Id, (await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct))?.Id);
    }

    [Fact]
    public async Task BootstrapAsync_ConfiguredSecret_BecomesOwnerCredential()
    {
        using var store = await TestStore.CreateAsync();
        var secret = store.Format.Mint(KeyMode.Admin);

        var issued = await store.Issuer.BootstrapAsync(secret, Ct);

        Assert.Equal(secret, issued!.Plaintext);
        // Even a key-shaped chosen secret lends nothing to the listed prefix: it is the credential id.
        Assert.Equal(issued.Credential.Id, issued.Credential.Prefix);
        var found = await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(secret), Ct);
        Assert.Equal(AdminRole.Owner, found!.Role);
        Assert.Null(await store.Issuer.BootstrapAsync(store.Format.Mint(KeyMode.Admin), Ct));
    }

    [Theory]
    [InlineData("hunter2")]
    [InlineData("correct-horse-battery")]
    [InlineData("a-much-longer-operator-chosen-secret-value")]
    public async Task BootstrapAsync_ConfiguredFreeFormSecret_PrefixRevealsNothing(string secret)
    {
        using var store = await TestStore.CreateAsync();

        var issued = await store.Issuer.BootstrapAsync(secret, Ct);

        // The prefix is listed and audited: for a chosen secret it is the public credential id, no part of the secret.
        Assert.Equal(issued!.Credential.Id, issued.Credential.Prefix);
        var audit = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct);
        Assert.All(audit.Items, e => Assert.DoesNotContain(secret[..4], e.Details ?? "", StringComparison.Ordinal));
        Assert.NotNull(await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(secret), Ct));
    }

    [Fact]
    public async Task CreateAdminAsync_Role_StoresHashedCredentialCreatedByActor()
    {
        using var store = await TestStore.CreateAsync();

        var issued = await store.Issuer.CreateAdminAsync("ops", AdminRole.Admin, TestStore.Admin, Ct);

        var found = await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct);
        Assert.Equal(issued.Credential, found);
        Assert.Equal(TestStore.Admin.Id, found!.CreatedBy);
        Assert.Equal(AdminRole.Admin, found.Role);
    }

    [Fact]
    public async Task ToString_IssuedRecords_NeverContainPlaintext()
    {
        using var store = await TestStore.CreateAsync();
        var key = await store.MintAsync();
        var admin = await store.Issuer.CreateAdminAsync("ops", AdminRole.Admin, TestStore.Admin, Ct);

        Assert.DoesNotContain(key.Plaintext, key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(admin.Plaintext, admin.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key.Plaintext, new IssueKeyResult(CreateKeyStatus.Created, key).ToString(), StringComparison.Ordinal);
    }
}
