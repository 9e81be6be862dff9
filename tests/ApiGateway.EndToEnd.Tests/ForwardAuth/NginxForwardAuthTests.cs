using System.Diagnostics;
using System.Net;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;

namespace ApiGateway.EndToEnd.Tests.ForwardAuth;

/// <summary>
/// docs/forward-auth.md's nginx <c>auth_request</c> configuration against a real nginx: a good key reaches the upstream
/// with the identity nginx copied from the gateway's answer, a revoked key is refused within the contract's 1 s, and a
/// spent limit reaches the client as 429 with Retry-After.
/// </summary>
public sealed class NginxForwardAuthTests(NginxForwardAuthFixture stack) : IClassFixture<NginxForwardAuthFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GoodKey_ReachesUpstreamWithIdentityCopiedByAuthRequestSet()
    {
        var key = await stack.Gateway.Keys.MintAsync(new KeySpec("nginx", "ws_nginx", ["contacts:read"], "user_7", KeyMode.Live,
            null, null, null, null, [], []), Ct);
        using var client = stack.CreateClient(key.Plaintext);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/contacts/42?page=2");
        request.Headers.Add("X-Api-Key-Id", "key_forged");
        request.Headers.Add("X-Api-Key-Owner", "someone_else");

        using var response = await client.SendAsync(request, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)} {stack.Describe()}");
        var received = stack.Upstream.Received.Last(r => r.Path == "/v1/contacts/42");
        Assert.Equal(key.Key.Id, received.Header("X-Api-Key-Id"));
        Assert.Equal("ws_nginx", received.Header("X-Workspace-Id"));
        Assert.Equal("live", received.Header("X-Api-Key-Mode"));
        Assert.Equal("user_7", received.Header("X-Api-Key-Owner"));
        Assert.Null(received.Header("Authorization"));
        Assert.StartsWith("\"free\";r=99;", Assert.Single(response.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedKey_RefusedThroughNginxWithinOneSecond()
    {
        var key = await stack.Gateway.Keys.MintAsync(["contacts:read"], cancellationToken: Ct);
        using var client = stack.CreateClient(key.Plaintext);
        using (var ok = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct))
        {
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{ok.StatusCode} {stack.Describe()}");
        }

        await stack.Gateway.Keys.Mutations.RevokeAsync(key.Key.Id, TestKeyStore.TestActor, Ct);
        var sinceRevoke = Stopwatch.StartNew();
        HttpResponseMessage refused;
        while (true)
        {
            refused = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
            if (refused.StatusCode == HttpStatusCode.Unauthorized || sinceRevoke.Elapsed > TimeSpan.FromSeconds(5))
            {
                break;
            }
            refused.Dispose();
        }
        var elapsed = sinceRevoke.Elapsed;
        using (refused)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"Revocation reached nginx's answers in {elapsed.TotalMilliseconds:F0} ms.");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer realm=\"api\", error=\"invalid_token\"", string.Join(", ", refused.Headers.GetValues("WWW-Authenticate")));
            Assert.True(elapsed <= TimeSpan.FromSeconds(1), $"Revocation took {elapsed.TotalMilliseconds:F0} ms to reach nginx's answers.");
        }
    }

    [Fact]
    public async Task SpentLimit_Returns429WithRetryAfterThroughNginx()
    {
        var key = await stack.Gateway.Keys.MintAsync(new KeySpec("nginx-limited", "ws_nginx", ["contacts:read"], null, KeyMode.Live,
            null, null, new RateLimitOverride(1, 3600), null, [], []), Ct);
        using var client = stack.CreateClient(key.Plaintext);
        var forwarded = stack.Upstream.Received.Count;
        using (var first = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct))
        {
            Assert.True(first.StatusCode == HttpStatusCode.OK, $"{first.StatusCode} {stack.Describe()}");
        }

        using var limited = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);

        Assert.True(limited.StatusCode == HttpStatusCode.TooManyRequests, $"{limited.StatusCode}: {await limited.Content.ReadAsStringAsync(Ct)} {stack.Describe()}");
        var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 3000, 3600);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"title\":\"Rate limit exceeded\"", await limited.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.StartsWith("\"key\";r=0;", Assert.Single(limited.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        Assert.Equal(forwarded + 1, stack.Upstream.Received.Count);
    }

    [Fact]
    public async Task UnknownPath_Returns404ThroughNginx()
    {
        var key = await stack.Gateway.Keys.MintAsync(["contacts:read"], cancellationToken: Ct);
        using var client = stack.CreateClient(key.Plaintext);
        using var response = await client.GetAsync(new Uri("/v2/elsewhere", UriKind.Relative), Ct);
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{response.StatusCode} {stack.Describe()}");
    }
}
