using System.Net;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// Rate limits end to end: the real gateway (auth, scopes, limiter, YARP) in front of a real Kestrel upstream, once at
/// the edge, once as forward-auth questions (the same decision and headers, docs/forward-auth.md).
/// </summary>
public abstract class RateLimitingGatewayTests(GatewayFactory factory, GatewayEntry entry) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_ThousandConcurrentAgainstLimit100_Exactly100Pass_20Runs()
    {
        using var client = factory.CreateKeyClient(null, entry);
        // The same limiter decides both entries: a few runs through forward-auth show the answer path adds no leak.
        for (var run = 0; run < (entry == GatewayEntry.Edge ? 20 : 3); run++)
        {
            // A fresh key per run; a one-day period so nothing refills while the run is in flight.
            var key = await MintAsync(rateLimit: new RateLimitOverride(100, 86_400));
            var statuses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
            {
                using var request = Get("/v1/contacts/1", key);
                using var response = await client.SendAsync(request, Ct);
                return response.StatusCode;
            }));

            Assert.Equal(100, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(900, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        }
    }

    [Fact]
    public async Task Request_Forwarded_CarriesExactRateLimitHeaders()
    {
        var key = await MintAsync(tier: "pro");
        using var client = factory.CreateKeyClient(key.Plaintext, entry);

        using var response = await client.GetAsync("/v1/contacts/1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"pro\";q=1000;w=60, \"daily\";q=1000000;w=86400", Header(response, "RateLimit-Policy"));
        Assert.Equal($"\"pro\";r=999;t=1, \"daily\";r=999999;t={SecondsToMidnight()}", Header(response, "RateLimit"));
    }

    [Fact]
    public async Task Request_LimitSpent_Returns429ProblemWithRetryAfter()
    {
        var key = await MintAsync(rateLimit: new RateLimitOverride(2, 60), quota: new QuotaOverride(null, 500));
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        (await client.GetAsync("/v1/contacts/1", Ct)).Dispose();
        (await client.GetAsync("/v1/contacts/1", Ct)).Dispose();
        var forwarded = factory.Upstream.Received.Count;

        using var response = await client.GetAsync("/v1/contacts/1", Ct);

        var detail = await ProblemAssert.HasAsync(response, 429, "Rate limit exceeded", "rate-limited");
        Assert.Equal("The key's limit of 2 requests per 60 seconds is spent.", detail);
        Assert.Equal("30", Header(response, "Retry-After"));
        var monthSeconds = (long)Math.Ceiling((NextMonth() - factory.Clock.GetUtcNow()).TotalSeconds);
        var monthWindow = DateTime.DaysInMonth(factory.Clock.GetUtcNow().Year, factory.Clock.GetUtcNow().Month) * 86_400;
        Assert.Equal($"\"key\";q=2;w=60, \"daily\";q=10000;w=86400, \"monthly\";q=500;w={monthWindow}", Header(response, "RateLimit-Policy"));
        Assert.Equal($"\"key\";r=0;t=60, \"daily\";r=9998;t={SecondsToMidnight()}, \"monthly\";r=498;t={monthSeconds}", Header(response, "RateLimit"));
        Assert.Equal(forwarded, factory.Upstream.Received.Count);
    }

    [Fact]
    public async Task Request_RefusedForScope_HasNoHeadersAndSpendsNothing()
    {
        var key = await MintAsync(rateLimit: new RateLimitOverride(1, 3600), scopes: ["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext, entry);

        using var forbidden = await client.PostAsync("/v1/contacts/1", null, Ct);
        using var allowed = await client.GetAsync("/v1/contacts/1", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.False(forbidden.Headers.Contains("RateLimit"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Request_PublicRoute_IsNotLimited()
    {
        var key = await MintAsync(rateLimit: new RateLimitOverride(1, 3600));
        using var client = factory.CreateKeyClient(key.Plaintext, entry);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/v1/status", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("RateLimit"));
        }
        using var limited = await client.GetAsync("/v1/contacts/1", Ct);
        Assert.Equal(HttpStatusCode.OK, limited.StatusCode);
    }

    [Fact]
    public async Task Request_UpstreamError_StillCountsAndCarriesHeaders()
    {
        Assert.SkipWhen(entry == GatewayEntry.ForwardAuth, "A forward-auth answer has no upstream behind it.");
        var key = await MintAsync(rateLimit: new RateLimitOverride(2, 3600));
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        factory.Upstream.Respond = c => c.Request.Headers["X-Api-Key-Id"] == key.Key.Id ? 500 : null;
        try
        {
            using var failed = await client.GetAsync("/v1/contacts/1", Ct);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal("\"key\";r=1;t=1800", Header(failed, "RateLimit")[..16]);
        }
        finally
        {
            factory.Upstream.Respond = null;
        }
        using var last = await client.GetAsync("/v1/contacts/1", Ct);
        using var refused = await client.GetAsync("/v1/contacts/1", Ct);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests), (last.StatusCode, refused.StatusCode));
    }

    [Fact]
    public async Task Request_RotatedKey_SharesThePredecessorsBucket()
    {
        var key = await MintAsync(rateLimit: new RateLimitOverride(3, 3600));
        using (var client = factory.CreateKeyClient(key.Plaintext, entry))
        {
            (await client.GetAsync("/v1/contacts/1", Ct)).Dispose();
            (await client.GetAsync("/v1/contacts/1", Ct)).Dispose();
        }
        var rotated = await factory.Services.GetRequiredService<KeyMutationService>().RotateAsync(key.Key.Id, TimeSpan.FromHours(1), null, GatewayFactory.TestActor, Ct);
        using var successor = factory.CreateKeyClient(rotated.Successor!.Plaintext, entry);

        using var third = await successor.GetAsync("/v1/contacts/1", Ct);
        using var fourth = await successor.GetAsync("/v1/contacts/1", Ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests), (third.StatusCode, fourth.StatusCode));
    }

    [Fact]
    public async Task Request_AfterTierPatch_NewLimitAppliesWithinTheFreshnessBound()
    {
        var key = await MintAsync(rateLimit: new RateLimitOverride(1, 3600));
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        (await client.GetAsync("/v1/contacts/1", Ct)).Dispose();
        using (var refused = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        await factory.Mutations.UpdateAsync(key.Key.Id, new KeyUpdate
        {
            Tier = new PatchField<string?>(true, "enterprise"),
            RateLimit = new PatchField<RateLimitOverride?>(true, null),
        }, GatewayFactory.TestActor, Ct);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpResponseMessage response;
        do
        {
            factory.AdvancePoll();
            response = await client.GetAsync("/v1/contacts/1", Ct);
        }
        while (response.StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("\"enterprise\";q=10000;w=60", Header(response, "RateLimit-Policy"), StringComparison.Ordinal);
        }
    }

    private async Task<IssuedKey> MintAsync(
        string? tier = null, RateLimitOverride? rateLimit = null, QuotaOverride? quota = null, string[]? scopes = null)
    {
        var issuer = factory.Services.GetRequiredService<KeyMutationService>();
        var spec = new KeySpec("rate test", "ws_main", scopes ?? ["contacts:read"], null, KeyMode.Live, null, tier, rateLimit, quota, [], []);
        var result = await issuer.CreateAsync(spec, GatewayFactory.TestActor, Ct);
        return result.Issued ?? throw new InvalidOperationException($"Minting failed: {result.Status}");
    }

    private static HttpRequestMessage Get(string path, IssuedKey key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key.Plaintext}");
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    private long SecondsToMidnight()
    {
        var now = factory.Clock.GetUtcNow();
        return (long)Math.Ceiling((now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime).TotalSeconds);
    }

    private DateTime NextMonth()
    {
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
    }
}

public sealed class EdgeRateLimitingGatewayTests(GatewayFactory factory) : RateLimitingGatewayTests(factory, GatewayEntry.Edge);

public sealed class ForwardAuthRateLimitingGatewayTests(GatewayFactory factory) : RateLimitingGatewayTests(factory, GatewayEntry.ForwardAuth);
