using System.Net;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>
/// Auth:FailedLookupsPerMinute through the real gateway: past a client's budget its unknown, uncached keys get the 429
/// "Too many invalid API keys" problem with Retry-After, keys it used keep working, and other clients (also behind
/// the same trusted proxy) are unaffected.
/// </summary>
public sealed class FailedLookupBudgetTests : IClassFixture<GatewayFactory>
{
    private static readonly IPAddress Proxy = IPAddress.Parse("10.0.0.5");
    private readonly GatewayFactory _factory;

    public FailedLookupBudgetTests(GatewayFactory factory)
    {
        _factory = factory;
        _factory.Settings["Auth:FailedLookupsPerMinute"] = "2";
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient ClientFrom(IPAddress remote, string key, string? forwardedFor = null)
    {
        var client = new HttpClient(_factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = remote)) { BaseAddress = _factory.Server.BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }
        return client;
    }

    private async Task<HttpResponseMessage> GetAsync(IPAddress remote, string key, string? forwardedFor = null)
    {
        using var client = ClientFrom(remote, key, forwardedFor);
        return await client.GetAsync("/v1/contacts/1", Ct);
    }

    private string RandomKey() => _factory.Services.GetRequiredService<KeyFormat>().Mint(KeyMode.Live);

    [Fact]
    public async Task Request_PastTheFailedLookupBudget_429WithRetryAfterWhileUsedKeysAndOtherClientsWork()
    {
        var attacker = IPAddress.Parse("192.0.2.50");
        var used = await _factory.MintAsync(["contacts:read"]);
        using (var ok = await GetAsync(attacker, used.Plaintext))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        for (var i = 0; i < 2; i++)
        {
            using var unknown = await GetAsync(attacker, RandomKey());
            await ProblemAssert.HasAsync(unknown, 401, "Invalid API key", "invalid-key", "Bearer realm=\"api\", error=\"invalid_token\"");
        }

        _factory.Clock.Advance(TimeSpan.FromSeconds(15));
        using (var throttled = await GetAsync(attacker, RandomKey()))
        {
            await ProblemAssert.HasAsync(throttled, 429, "Too many invalid API keys", "too-many-invalid-keys");
            Assert.Equal(TimeSpan.FromSeconds(45), throttled.Headers.RetryAfter?.Delta);
        }
        using (var stillWorks = await GetAsync(attacker, used.Plaintext))
        {
            Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        }
        // A key this client never used successfully is not cached for it: refused too, while another client uses it at once.
        var fresh = await _factory.MintAsync(["contacts:read"]);
        using (var freshFromAttacker = await GetAsync(attacker, fresh.Plaintext))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, freshFromAttacker.StatusCode);
        }
        using (var freshElsewhere = await GetAsync(IPAddress.Parse("198.51.100.20"), fresh.Plaintext))
        {
            Assert.Equal(HttpStatusCode.OK, freshElsewhere.StatusCode);
        }

        _factory.Clock.Advance(TimeSpan.FromSeconds(45));
        using var afterTheMinute = await GetAsync(attacker, RandomKey());
        await ProblemAssert.HasAsync(afterTheMinute, 401, "Invalid API key", "invalid-key", "Bearer realm=\"api\", error=\"invalid_token\"");
    }

    [Fact]
    public async Task Request_ClientsBehindOneTrustedProxy_EachHasItsOwnBudget()
    {
        for (var i = 0; i < 3; i++)
        {
            using var spent = await GetAsync(Proxy, RandomKey(), forwardedFor: "203.0.113.70");
        }
        using (var throttled = await GetAsync(Proxy, RandomKey(), forwardedFor: "203.0.113.70"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        }

        using var neighbour = await GetAsync(Proxy, RandomKey(), forwardedFor: "203.0.113.71");
        Assert.Equal(HttpStatusCode.Unauthorized, neighbour.StatusCode);
    }

    [Fact]
    public async Task Request_Throttled_CountedUnderItsOwnReason()
    {
        var client = IPAddress.Parse("192.0.2.99");
        for (var i = 0; i < 3; i++)
        {
            using var response = await GetAsync(client, RandomKey());
        }

        var context = await _factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/metrics";
            c.Connection.LocalPort = 9091;
        }, Ct);
        using var reader = new StreamReader(context.Response.Body);
        var metrics = await reader.ReadToEndAsync(Ct);
        Assert.Matches("gateway_auth_failures_total\\{reason=\"too_many_invalid_keys\"\\} [1-9]", metrics);
    }
}
