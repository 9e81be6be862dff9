using System.Net;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>A cached key's allow-list is parsed once, and an allow-list whose entries are all unusable still restricts.</summary>
public sealed class CachedKeyTests
{
    private static readonly ApiKey Key = new()
    {
        Id = "key_1", Name = "k", Prefix = "agw_live_abcdefg", Mode = KeyMode.Live, WorkspaceId = "ws_main",
        Scopes = ["*"], LineageId = "lin_1", CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "tests",
    };

    private static CachedKey Cached(params string[] allowedIps) =>
        new(Key with { AllowedIps = allowedIps }, new KeyHash(new byte[KeyHash.Size]), DateTimeOffset.UnixEpoch);

    [Fact]
    public void AllowList_NetworksAndAddresses_ParsedOnceIntoNetworks()
    {
        var cached = Cached("10.0.0.0/8", "192.0.2.7", "2001:db8::/32");

        Assert.True(cached.RestrictsIps);
        Assert.Equal(
            [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.0.2.7/32"), IPNetwork.Parse("2001:db8::/32")],
            cached.AllowedNetworks);
    }

    /// <summary>The bug this prevents: an allow-list of typos parsing to no network, read as "no allow-list", allowed every address.</summary>
    [Fact]
    public void AllowList_OnlyUnusableEntries_StillRestrictsWithNoNetwork()
    {
        var cached = Cached("not-an-ip", "10.0.0.0/99");

        Assert.True(cached.RestrictsIps);
        Assert.Empty(cached.AllowedNetworks);
    }

    [Fact]
    public void AllowList_SomeUnusable_OnlyTheUsableOnesAllow()
    {
        var cached = Cached("bogus", "192.0.2.0/24");

        Assert.Equal([IPNetwork.Parse("192.0.2.0/24")], cached.AllowedNetworks);
    }

    [Fact]
    public void AllowList_None_DoesNotRestrict()
    {
        var cached = Cached();

        Assert.False(cached.RestrictsIps);
        Assert.Empty(cached.AllowedNetworks);
    }
}
