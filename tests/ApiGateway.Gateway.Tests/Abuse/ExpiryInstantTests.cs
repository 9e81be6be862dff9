using System.Net;

namespace ApiGateway.Gateway.Tests.Abuse;

/// <summary>Expiry on the fake clock, to the tick: valid one tick before <c>expiresAt</c>, refused at it, never forwarded then.</summary>
public sealed class ExpiryInstantTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_AtTheExactExpiryInstant_Returns401ExpiredAndNothingForwarded()
    {
        var expiresAt = factory.Clock.GetUtcNow().AddMinutes(5);
        var key = await factory.MintAsync(["contacts:read"], expiresAt: expiresAt);
        using var client = factory.CreateKeyClient(key.Plaintext);

        factory.Clock.Advance(expiresAt - factory.Clock.GetUtcNow() - TimeSpan.FromTicks(1));
        using (var before = await client.GetAsync("/v1/contacts/before-expiry", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        factory.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(expiresAt, factory.Clock.GetUtcNow());
        using var at = await client.GetAsync("/v1/contacts/at-expiry", Ct);
        await ProblemAssert.HasAsync(at, 401, "API key has expired", "expired-key", "Bearer realm=\"api\", error=\"invalid_token\"");
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path == "/v1/contacts/at-expiry");
    }
}
