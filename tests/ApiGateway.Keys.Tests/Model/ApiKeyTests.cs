using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Tests.Model;

public sealed class ApiKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void StatusAt_Times_ActiveExpiredRevoked()
    {
        var key = Key();

        Assert.Equal(KeyStatus.Active, key.StatusAt(Now));
        Assert.Equal(KeyStatus.Active, (key with { ExpiresAt = Now.AddTicks(1) }).StatusAt(Now));
        Assert.Equal(KeyStatus.Expired, (key with { ExpiresAt = Now }).StatusAt(Now));
        Assert.Equal(KeyStatus.Revoked, (key with { RevokedAt = Now }).StatusAt(Now));
        Assert.Equal(KeyStatus.Revoked, (key with { RevokedAt = Now, ExpiresAt = Now.AddDays(-1) }).StatusAt(Now));
        Assert.Equal(KeyStatus.Active, (key with { RevokedAt = Now.AddMinutes(1) }).StatusAt(Now));
    }

    [Fact]
    public void StatusAt_Disabled_OutrankedByRevokedAndExpired()
    {
        var disabled = Key() with { DisabledAt = Now.AddMinutes(-1) };

        Assert.Equal(KeyStatus.Disabled, disabled.StatusAt(Now));
        Assert.False(disabled.Enabled);
        Assert.Equal(KeyStatus.Expired, (disabled with { ExpiresAt = Now }).StatusAt(Now));
        Assert.Equal(KeyStatus.Revoked, (disabled with { RevokedAt = Now }).StatusAt(Now));
    }

    [Fact]
    public void HoldsWorkspace_PrimaryOrExtra_ExactMatchOnly()
    {
        var key = Key() with { Workspaces = ["ws_2"] };

        Assert.True(key.HoldsWorkspace("ws_1"));
        Assert.True(key.HoldsWorkspace("ws_2"));
        Assert.False(key.HoldsWorkspace("WS_1"));
        Assert.False(key.HoldsWorkspace("ws_3"));
    }

    [Theory]
    [InlineData(KeyStatus.Active, "active")]
    [InlineData(KeyStatus.Expired, "expired")]
    [InlineData(KeyStatus.Revoked, "revoked")]
    [InlineData(KeyStatus.Disabled, "disabled")]
    public void KeyStatusNames_RoundTrip(KeyStatus status, string wire)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.True(KeyStatusNames.TryParse(wire, out var parsed));
        Assert.Equal(status, parsed);
        Assert.False(KeyStatusNames.TryParse(wire.ToUpperInvariant(), out _));
    }

    [Fact]
    public void UsageHours_Start_TruncatesToUtcHour()
    {
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), UsageHours.Start(Now.AddMinutes(59).AddSeconds(59)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), UsageHours.Start(new DateTimeOffset(2026, 1, 1, 12, 30, 0, TimeSpan.FromHours(2))));
    }

    private static ApiKey Key() => new()
    {
        Id = "key_1", Name = "k", Prefix = "agw_live_0000000", Mode = KeyMode.Live, WorkspaceId = "ws_1", Scopes = ["a:b"],
        LineageId = "lin_1", CreatedAt = Now.AddDays(-1), CreatedBy = "adm_1",
    };
}
