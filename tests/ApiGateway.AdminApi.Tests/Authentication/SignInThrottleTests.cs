using System.Net;
using ApiGateway.AdminApi.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.AdminApi.Tests.Authentication;

public sealed class SignInThrottleTests : IAsyncDisposable
{
    private const string OwnerCredential = "agw_admin_OwnerAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Owner = IPAddress.Parse("198.51.100.20");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SignInThrottle _throttle;

    public SignInThrottleTests() => _throttle = Create(new SignInThrottleOptions { FailuresPerIp = 3, FailuresPerPrefix = 5, WindowSeconds = 300 });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnterAsync_ClientSpentItsFailures_RefusedUntilTheWindowEnds()
    {
        for (var i = 0; i < 3; i++)
        {
            await FailAsync(Attacker, $"guess-number-{i:D2}-xxxxxxxxxxxx");
        }
        _clock.Advance(TimeSpan.FromSeconds(100));

        using var refused = await _throttle.EnterAsync(SignInAttempt.From(Attacker, "guess-number-99-xxxx"), Ct);
        Assert.True(refused.IsRefused);
        Assert.Equal(TimeSpan.FromSeconds(200), refused.RetryAfter);
        // Its correct credential too: the client's partition refuses before anything is checked.
        using (var own = await _throttle.EnterAsync(SignInAttempt.From(Attacker, OwnerCredential), Ct))
        {
            Assert.True(own.IsRefused);
        }

        _clock.Advance(TimeSpan.FromSeconds(200));
        using var again = await _throttle.EnterAsync(SignInAttempt.From(Attacker, "guess-number-99-xxxx"), Ct);
        Assert.False(again.IsRefused);
    }

    [Fact]
    public async Task EnterAsync_AnotherClientsFailures_NeverBlockADifferentPrefix()
    {
        for (var i = 0; i < 3; i++)
        {
            await FailAsync(Attacker, $"guess-number-{i:D2}-xxxxxxxxxxxx");
        }

        using var owner = await _throttle.EnterAsync(SignInAttempt.From(Owner, OwnerCredential), Ct);

        Assert.False(owner.IsRefused);
    }

    [Fact]
    public async Task EnterAsync_PrefixSpentFromManyClients_RefusesThatPrefixFromAFreshClientOnly()
    {
        // Five clients, one failure each, all with the owner credential's visible prefix.
        for (var i = 0; i < 5; i++)
        {
            await FailAsync(IPAddress.Parse($"192.0.2.{i + 1}"), OwnerCredential[..16] + $"guess{i}");
        }

        using var samePrefix = await _throttle.EnterAsync(SignInAttempt.From(Owner, OwnerCredential), Ct);
        using var otherPrefix = await _throttle.EnterAsync(SignInAttempt.From(Owner, "agw_admin_Other0000000000"), Ct);

        Assert.True(samePrefix.IsRefused);   // the documented trade-off: a known prefix can be kept out for a window
        Assert.Equal(TimeSpan.FromSeconds(300), samePrefix.RetryAfter);
        Assert.False(otherPrefix.IsRefused);
    }

    [Fact]
    public async Task EnterAsync_PrefixPartitionOff_OnlyTheClientLimitApplies()
    {
        await _throttle.DisposeAsync();
        _throttle = Create(new SignInThrottleOptions { FailuresPerIp = 3, FailuresPerPrefix = 0, WindowSeconds = 300 });
        for (var i = 0; i < 20; i++)
        {
            await FailAsync(IPAddress.Parse($"192.0.2.{i + 1}"), OwnerCredential[..16] + $"guess{i}");
        }

        using var owner = await _throttle.EnterAsync(SignInAttempt.From(Owner, OwnerCredential), Ct);

        Assert.False(owner.IsRefused);
    }

    [Fact]
    public async Task EnterAsync_Successes_SpendNothing()
    {
        for (var i = 0; i < 50; i++)
        {
            using var gate = await _throttle.EnterAsync(SignInAttempt.From(Owner, OwnerCredential), Ct);
            Assert.False(gate.IsRefused);
        }
        await FailAsync(Owner, OwnerCredential + "typo");
        await FailAsync(Owner, OwnerCredential + "typo");

        using var last = await _throttle.EnterAsync(SignInAttempt.From(Owner, OwnerCredential), Ct);
        Assert.False(last.IsRefused);
    }

    [Fact]
    public async Task EnterAsync_ConcurrentGuesses_WaitTheirTurnSoNoMoreThanTheLimitAreChecked()
    {
        // Two failures left for the attacker; three guesses arrive together.
        await FailAsync(Attacker, "guess-number-00-xxxxxxxxxxxx");
        using var first = await _throttle.EnterAsync(SignInAttempt.From(Attacker, "guess-number-01-xxxxxxxxxxxx"), Ct);
        var second = _throttle.EnterAsync(SignInAttempt.From(Attacker, "guess-number-02-xxxxxxxxxxxx"), Ct).AsTask();
        var third = _throttle.EnterAsync(SignInAttempt.From(Attacker, "guess-number-03-xxxxxxxxxxxx"), Ct).AsTask();
        Assert.False(first.IsRefused);
        Assert.False(second.IsCompleted); // queued behind the first check
        Assert.False(third.IsCompleted);

        first.Failed();
        first.Dispose();
        using var secondGate = await second;
        Assert.False(secondGate.IsRefused);
        Assert.False(third.IsCompleted);
        Assert.Equal("ip", secondGate.Failed());
        secondGate.Dispose();

        using var thirdGate = await third;
        Assert.True(thirdGate.IsRefused);
    }

    [Fact]
    public async Task EnterAsync_Ipv6ClientsInOneSlash64_ShareAPartition()
    {
        for (var i = 0; i < 3; i++)
        {
            await FailAsync(IPAddress.Parse($"2001:db8:1:2::{i + 1:x}"), $"guess-number-{i:D2}-xxxxxxxxxxxx");
        }

        using var sameNetwork = await _throttle.EnterAsync(SignInAttempt.From(IPAddress.Parse("2001:db8:1:2:ffff::9"), "guess-x"), Ct);
        using var otherNetwork = await _throttle.EnterAsync(SignInAttempt.From(IPAddress.Parse("2001:db8:1:3::1"), "guess-x"), Ct);

        Assert.True(sameNetwork.IsRefused);
        Assert.False(otherNetwork.IsRefused);
    }

    [Fact]
    public void SignInAttempt_ToString_NeverShowsThePrefix()
    {
        var attempt = SignInAttempt.From(Owner, OwnerCredential);

        Assert.DoesNotContain(OwnerCredential[..16], attempt.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(OwnerCredential[10..16], attempt.ToString(), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync() => await _throttle.DisposeAsync();

    private SignInThrottle Create(SignInThrottleOptions options) =>
        new(Options.Create(options), _clock, NullLogger<SignInThrottle>.Instance);

    private async Task FailAsync(IPAddress client, string credential)
    {
        using var gate = await _throttle.EnterAsync(SignInAttempt.From(client, credential), Ct);
        Assert.False(gate.IsRefused);
        gate.Failed();
    }
}
