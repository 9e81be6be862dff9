using System.Net;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Scopes;
using Microsoft.AspNetCore.Http;

namespace ApiGateway.Gateway.Tests.WebSockets;

public sealed class TunnelAccessTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly KeyHash Hash = new KeyHasher(null).Hash("agw_live_tunnel");

    private static readonly ApiKey Key = new()
    {
        Id = "key_1", Name = "k", Prefix = "agw_live_abcdefg", Mode = KeyMode.Live, WorkspaceId = "ws_main", Workspaces = ["ws_extra"],
        Scopes = ["chat:read"], LineageId = "lin_1", CreatedAt = Now.AddDays(-1), CreatedBy = "tests",
    };

    private static OpenTunnel Tunnel(ApiKey key, string workspace = "ws_main", string? clientIp = "10.0.0.7", string scopes = "chat:read")
    {
        var policy = RouteScopePolicy.Parse(new Dictionary<string, string> { ["Scopes"] = scopes }, out var problems);
        Assert.Empty(problems);
        return new OpenTunnel(new DefaultHttpContext(), new CachedKey(key, Hash, Now), new RouteAccess("chat", policy, allowsWebSockets: true),
            clientIp is null ? null : IPAddress.Parse(clientIp), workspace);
    }

    private static KeyLookup Found(ApiKey key) => new(KeyLookupStatus.Found, new CachedKey(key, Hash, Now));

    [Fact]
    public void StillAllowed_KeyAsAtTheHandshake_True()
    {
        using var tunnel = Tunnel(Key);

        Assert.True(TunnelAccess.StillAllowed(tunnel, Found(Key), Now));
    }

    public static TheoryData<string, ApiKey> KeysThatNoLongerMayHoldIt => new()
    {
        { "revoked", Key with { RevokedAt = Now } },
        { "expired", Key with { ExpiresAt = Now } },
        { "disabled", Key with { DisabledAt = Now } },
        { "scope removed", Key with { Scopes = ["chat:write"] } },
        { "client address no longer allowed", Key with { AllowedIps = ["192.168.0.0/16"] } },
        { "allow-list of unusable entries", Key with { AllowedIps = ["not-an-ip"] } },
    };

    [Theory]
    [MemberData(nameof(KeysThatNoLongerMayHoldIt))]
    public void StillAllowed_KeyChangedSinceTheHandshake_False(string change, ApiKey changed)
    {
        using var tunnel = Tunnel(Key);

        Assert.False(TunnelAccess.StillAllowed(tunnel, Found(changed), Now), change);
    }

    [Fact]
    public void StillAllowed_ExtraWorkspaceDropped_FalseForATunnelInIt()
    {
        using var tunnel = Tunnel(Key, workspace: "ws_extra");

        Assert.True(TunnelAccess.StillAllowed(tunnel, Found(Key), Now));
        Assert.False(TunnelAccess.StillAllowed(tunnel, Found(Key with { Workspaces = [] }), Now));
    }

    [Fact]
    public void StillAllowed_AllowListButNoClientAddress_False()
    {
        using var tunnel = Tunnel(Key, clientIp: null);

        Assert.False(TunnelAccess.StillAllowed(tunnel, Found(Key with { AllowedIps = ["10.0.0.0/8"] }), Now));
        Assert.True(TunnelAccess.StillAllowed(tunnel, Found(Key), Now));
    }

    [Theory]
    [InlineData(nameof(KeyLookupStatus.Unknown))]
    [InlineData(nameof(KeyLookupStatus.StoreUnavailable))]
    [InlineData(nameof(KeyLookupStatus.Throttled))]
    public void StillAllowed_StoreCouldNotConfirmTheKey_False(string status)
    {
        using var tunnel = Tunnel(Key);

        Assert.False(TunnelAccess.StillAllowed(tunnel, new KeyLookup(Enum.Parse<KeyLookupStatus>(status), null), Now));
    }
}
