using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Scopes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.WebSockets;

public sealed class OpenTunnelTests
{
    private static readonly ApiKey Key = new()
    {
        Id = "key_1", Name = "k", Prefix = "agw_live_abcdefg", Mode = KeyMode.Live, WorkspaceId = "ws_main",
        Scopes = ["chat:read"], LineageId = "lin_1", CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "tests",
    };

    /// <summary>Counts aborts of the connection the tunnel holds.</summary>
    private sealed class CountingLifetime : IHttpRequestLifetimeFeature
    {
        public int Aborts { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborts++;
    }

    private static (OpenTunnel Tunnel, CountingLifetime Lifetime) Open()
    {
        var context = new DefaultHttpContext();
        var lifetime = new CountingLifetime();
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        var access = new RouteAccess("chat", RouteScopePolicy.Parse(new Dictionary<string, string> { ["Scopes"] = "chat:read" }, out _), allowsWebSockets: true);
        var tunnel = new OpenTunnel(context, new CachedKey(Key, new KeyHasher(null).Hash("agw_live_x"), DateTimeOffset.UnixEpoch), access, null, "ws_main");
        return (tunnel, lifetime);
    }

    [Fact]
    public void Close_Open_AbortsOnceAndSaysSo()
    {
        var (tunnel, lifetime) = Open();
        using (tunnel)
        {
            Assert.True(tunnel.Close());
            Assert.False(tunnel.Close());
            Assert.Equal(1, lifetime.Aborts);
            Assert.Equal("key_1", tunnel.KeyId);
        }
    }

    [Fact]
    public void Close_AfterTheRequestEnded_NeverTouchesTheRecycledContext()
    {
        var (tunnel, lifetime) = Open();
        var ended = tunnel.Ended;

        tunnel.Dispose();

        Assert.True(ended.IsCancellationRequested);
        Assert.False(tunnel.Close());
        Assert.Equal(0, lifetime.Aborts);
    }

    [Fact]
    public void ScheduleExpiry_Replaced_OnlyTheLastTimerLivesAndCloseStopsIt()
    {
        var clock = new FakeTimeProvider();
        var (tunnel, lifetime) = Open();
        using (tunnel)
        {
            var fired = new List<string>();
            tunnel.ScheduleExpiry(() => clock.CreateTimer(_ => fired.Add("first"), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan));
            tunnel.ScheduleExpiry(() => clock.CreateTimer(_ => fired.Add("second"), null, TimeSpan.FromMinutes(2), Timeout.InfiniteTimeSpan));

            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Empty(fired); // the replaced timer was disposed
            tunnel.Close();
            clock.Advance(TimeSpan.FromMinutes(5));
            Assert.Empty(fired);
        }
    }

    [Fact]
    public void ScheduleExpiry_AfterClose_CreatesNoTimer()
    {
        var (tunnel, _) = Open();
        using (tunnel)
        {
            tunnel.Close();
            var created = false;

            tunnel.ScheduleExpiry(() =>
            {
                created = true;
                return new FakeTimeProvider().CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            });

            Assert.False(created);
        }
    }
}
