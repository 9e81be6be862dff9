using System.Net;

namespace ApiGateway.Gateway.Tests.Transforms;

/// <summary><c>Api-Key-Expires</c> (docs/gateway.md "Expiry warnings"): on forwarded responses of keys near their end, never on refusals.</summary>
public sealed class ExpiryWarningTransformProviderTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string Header = "Api-Key-Expires";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forward_KeyExpiringWithinWarningDays_CarriesExpiryInUtc()
    {
        var expiresAt = factory.Clock.GetUtcNow().AddDays(3).AddHours(5).AddMilliseconds(250);
        var key = await factory.MintAsync(["contacts:read"], expiresAt: expiresAt);
        using var client = factory.CreateKeyClient(key.Plaintext);

        using var response = await client.GetAsync("/v1/contacts/soon", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            Assert.Single(response.Headers.GetValues(Header)));
    }

    [Fact]
    public async Task Forward_KeyExpiringLaterOrNever_NoHeader()
    {
        var later = await factory.MintAsync(["contacts:read"], expiresAt: factory.Clock.GetUtcNow().AddDays(7).AddMinutes(1));
        var never = await factory.MintAsync(["contacts:read"]);
        foreach (var key in new[] { later, never })
        {
            using var client = factory.CreateKeyClient(key.Plaintext);
            using var response = await client.GetAsync("/v1/contacts/later", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains(Header));
        }
    }

    /// <summary>The gateway's own refusals never reach YARP, so a key near its end gets no header on a 403 or a 404.</summary>
    [Fact]
    public async Task Refusal_KeyExpiringSoon_NoHeader()
    {
        var key = await factory.MintAsync(["contacts:read"], expiresAt: factory.Clock.GetUtcNow().AddDays(1));
        using var client = factory.CreateKeyClient(key.Plaintext);

        using var forbidden = await client.PostAsync("/v1/contacts/write", null, Ct);
        using var notFound = await client.GetAsync("/nowhere", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.False(forbidden.Headers.Contains(Header));
        Assert.False(notFound.Headers.Contains(Header));
    }

    /// <summary>An upstream's error is still a forwarded response (it carries the warning); an upstream's own copy never passes.</summary>
    [Fact]
    public async Task Forward_UpstreamErrorOrUpstreamCopy_HeaderSpeaksForTheKeyOnly()
    {
        var soon = await factory.MintAsync(["contacts:read"], expiresAt: factory.Clock.GetUtcNow().AddDays(2));
        var never = await factory.MintAsync(["contacts:read"]);
        factory.Upstream.Respond = context =>
        {
            context.Response.Headers[Header] = "2000-01-01T00:00:00Z";
            return context.Request.Path.Value!.EndsWith("/fail", StringComparison.Ordinal) ? 500 : 200;
        };
        try
        {
            using var soonClient = factory.CreateKeyClient(soon.Plaintext);
            using var failed = await soonClient.GetAsync("/v1/contacts/fail", Ct);
            using var neverClient = factory.CreateKeyClient(never.Plaintext);
            using var copied = await neverClient.GetAsync("/v1/contacts/copy", Ct);

            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal(soon.Key.ExpiresAt!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                Assert.Single(failed.Headers.GetValues(Header)));
            Assert.Equal(HttpStatusCode.OK, copied.StatusCode);
            Assert.False(copied.Headers.Contains(Header));
        }
        finally
        {
            factory.Upstream.Respond = null;
        }
    }
}
