using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Scopes;
using ApiGateway.Keys.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.WebSockets;

/// <summary>
/// The registry of open WebSockets against the real key cache over a real SQLite store and the fake clock: a change the
/// change feed reports (<see cref="KeyCache.Evict"/>) closes a key's tunnels exactly when the handshake would now be
/// refused, expiry closes them at <c>expiresAt</c>, and a request that has ended is never touched.
/// </summary>
public sealed class OpenTunnelsTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static readonly RouteAccess WebSocketRoute = new("ws",
        RouteScopePolicy.Parse(new Dictionary<string, string> { ["Scopes.GET"] = "contacts:read" }, out _), allowsWebSockets: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OpenTunnels Tunnels => factory.Services.GetRequiredService<OpenTunnels>();

    private KeyCache Cache => factory.Services.GetRequiredService<KeyCache>();

    [Fact]
    public async Task Revoked_WhenTheFeedEvictsTheKey_ClosesItsTunnel()
    {
        var (id, entry) = await MintAsync(["contacts:read"]);
        var request = new AbortableRequest();
        using var registration = await OpenAsync(request, entry);

        await factory.Mutations.RevokeAsync(id, GatewayFactory.TestActor, Ct);
        Cache.Evict(id);
        await Tunnels.LastRecheck;

        Assert.Equal(1, request.Aborts);
    }

    [Fact]
    public async Task ScopeRemoved_WhenTheFeedEvictsTheKey_ClosesItsTunnel()
    {
        var (id, entry) = await MintAsync(["contacts:read", "invoices:read"]);
        var request = new AbortableRequest();
        using var registration = await OpenAsync(request, entry);

        await factory.Mutations.UpdateAsync(id, new KeyUpdate { Scopes = new(true, ["invoices:read"]) }, GatewayFactory.TestActor, Ct);
        Cache.Evict(id);
        await Tunnels.LastRecheck;

        Assert.Equal(1, request.Aborts);
    }

    [Fact]
    public async Task Renamed_WhenTheFeedEvictsTheKey_KeepsItsTunnelUntilRevoked()
    {
        var (id, entry) = await MintAsync(["contacts:read"]);
        var request = new AbortableRequest();
        using var registration = await OpenAsync(request, entry);

        await factory.Mutations.UpdateAsync(id, new KeyUpdate { Name = new(true, "renamed") }, GatewayFactory.TestActor, Ct);
        Cache.Evict(id);
        await Tunnels.LastRecheck;
        Assert.Equal(0, request.Aborts);

        await factory.Mutations.RevokeAsync(id, GatewayFactory.TestActor, Ct);
        Cache.Evict(id);
        await Tunnels.LastRecheck;
        Assert.Equal(1, request.Aborts);
    }

    [Fact]
    public async Task RevokedBeforeTheTunnelRegistered_HandshakeUsedTheOldEntry_ClosesAtOnce()
    {
        // The handshake's lookup returned the key; the revocation and its eviction land before the tunnel is registered.
        var (id, entry) = await MintAsync(["contacts:read"]);
        await factory.Mutations.RevokeAsync(id, GatewayFactory.TestActor, Ct);
        Cache.Evict(id);
        var request = new AbortableRequest();

        using var registration = await OpenAsync(request, entry);

        Assert.Equal(1, request.Aborts);
    }

    [Fact]
    public async Task Expiry_OnTheClock_ClosesTheTunnelAtExpiresAtAndNotBefore()
    {
        var expiresAt = factory.Clock.GetUtcNow().AddMinutes(5);
        var (_, entry) = await MintAsync(["contacts:read"], expiresAt);
        var request = new AbortableRequest();
        using var registration = await OpenAsync(request, entry);

        factory.Clock.Advance(expiresAt - factory.Clock.GetUtcNow() - TimeSpan.FromTicks(1));
        await Tunnels.LastRecheck;
        Assert.Equal(0, request.Aborts);

        factory.Clock.Advance(TimeSpan.FromTicks(1));
        await Tunnels.LastRecheck;
        Assert.Equal(1, request.Aborts);
    }

    [Fact]
    public async Task RequestEnded_ThenKeyRevoked_TheContextIsNeverTouched()
    {
        // Kestrel reuses HttpContext objects: aborting one after its request ended would cut an unrelated request.
        var (id, entry) = await MintAsync(["contacts:read"]);
        var request = new AbortableRequest();
        var registration = await OpenAsync(request, entry);

        registration.Dispose();
        await factory.Mutations.RevokeAsync(id, GatewayFactory.TestActor, Ct);
        Cache.Evict(id);
        await Tunnels.LastRecheck;

        Assert.Equal(0, request.Aborts);
    }

    private async Task<(string Id, CachedKey Entry)> MintAsync(string[] scopes, DateTimeOffset? expiresAt = null)
    {
        var issued = await factory.MintAsync(scopes, expiresAt: expiresAt);
        var hasher = factory.Services.GetRequiredService<KeyHasher>();
        var lookup = await Cache.LookupAsync(hasher.Hash(issued.Plaintext), Ct);
        return (issued.Key.Id, lookup.Entry!);
    }

    private async Task<OpenTunnels.Registration> OpenAsync(AbortableRequest request, CachedKey entry)
    {
        var registration = Tunnels.Open(request.Context, entry, WebSocketRoute, clientIp: null, entry.Key.WorkspaceId);
        await Tunnels.LastRecheck;
        return registration;
    }

    /// <summary>A request context whose <c>Abort</c> is counted (what Kestrel would turn into a reset connection or stream).</summary>
    private sealed class AbortableRequest : IHttpRequestLifetimeFeature
    {
        private int _aborts;

        public AbortableRequest()
        {
            Context = new DefaultHttpContext();
            Context.Features.Set<IHttpRequestLifetimeFeature>(this);
        }

        public HttpContext Context { get; }

        public int Aborts => Volatile.Read(ref _aborts);

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Interlocked.Increment(ref _aborts);
    }
}
