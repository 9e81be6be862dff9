using System.Net;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>
/// The authentication rows of the contract's error table, end to end through the gateway: once at the edge, once as
/// forward-auth questions (the same decision, docs/forward-auth.md).
/// </summary>
public abstract class KeyVerifierTests(GatewayFactory factory, GatewayEntry entry) : IClassFixture<GatewayFactory>
{
    private const string Challenge = "Bearer realm=\"api\"";
    private const string InvalidToken = "Bearer realm=\"api\", error=\"invalid_token\"";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_NoAuthorizationHeader_Returns401Missing()
    {
        using var client = factory.CreateKeyClient(null, entry);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        await ProblemAssert.HasAsync(response, 401, "Missing or invalid Authorization header", "missing-credential", Challenge);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Bearer\t")]
    [InlineData("Token abc")]
    [InlineData("Bearerabc")]
    public async Task Request_NotABearerCredential_Returns401MissingWithoutError(string header)
    {
        using var client = factory.CreateKeyClient(null, entry);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/contacts/1");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await client.SendAsync(request, Ct);
        await ProblemAssert.HasAsync(response, 401, "Missing or invalid Authorization header", "missing-credential", Challenge);
    }

    [Theory]
    [InlineData("api_key=x")]
    [InlineData("APIKEY=x")]
    [InlineData("Key=")]
    [InlineData("token")]
    [InlineData("a=1&access_token=abc")]
    [InlineData("%20api_key=x")]    // PHP trims leading spaces
    [InlineData("+api_key=x")]      // '+' is a space in a form name
    [InlineData("api_key%00=x")]    // PHP cuts the name at NUL
    [InlineData("TOKEN%00=1")]
    [InlineData("a=1;api_key=x")]   // Rack, old Go and Python split at ';'
    [InlineData(";key=x")]
    [InlineData("api.key=x")]
    [InlineData("api_key[]=x")]
    public async Task Request_KeyInQueryString_Returns400EvenWithAValidHeader(string query)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        var before = factory.Upstream.Received.Count;
        using var response = await client.GetAsync($"/v1/contacts/1?{query}", Ct);
        await ProblemAssert.HasAsync(response, 400, "API keys are not accepted in the query string", "key-in-query",
            "Bearer realm=\"api\", error=\"invalid_request\"");
        Assert.Equal(before, factory.Upstream.Received.Count);
    }

    /// <summary>
    /// One of our keys anywhere in the URL is refused whatever carries it (docs/security.md "Keys in URLs"): a URL is
    /// written to upstream logs, histories and referrers. Percent-encoded, after <c>Bearer </c>, as a bare parameter,
    /// as a parameter's name, or as a path segment.
    /// </summary>
    [Theory]
    [InlineData("x-api-key={0}")]
    [InlineData("auth_token={0}")]
    [InlineData("api_token={0}")]
    [InlineData("bearer={0}")]
    [InlineData("q={0}")]
    [InlineData("secret={0}")]
    [InlineData("k={0}")]
    [InlineData("{0}")]
    [InlineData("a=1&{0}=x")]
    [InlineData("authorization=Bearer%20{0}")]
    [InlineData("authorization=bearer+{0}")]
    [InlineData("a=1;q=%20{0}%20")]
    [InlineData("q={1}")]                   // every character percent-encoded
    public async Task Request_OurKeyInTheQueryUnderAnyName_Returns400(string query)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        var encoded = string.Concat(key.Plaintext.Select(c => $"%{(int)c:X2}"));
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        var before = factory.Upstream.Received.Count;
        using var response = await client.GetAsync($"/v1/contacts/1?{string.Format(System.Globalization.CultureInfo.InvariantCulture, query, key.Plaintext, encoded)}", Ct);
        await ProblemAssert.HasAsync(response, 400, "API keys are not accepted in the query string", "key-in-query",
            "Bearer realm=\"api\", error=\"invalid_request\"");
        Assert.Equal(before, factory.Upstream.Received.Count);
    }

    [Theory]
    [InlineData("/v1/contacts/{0}")]
    [InlineData("/v1/contacts/{0}/notes")]
    [InlineData("/v1/contacts/{1}")]
    public async Task Request_OurKeyAsAPathSegment_Returns400(string path)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        var encoded = string.Concat(key.Plaintext.Select(c => $"%{(int)c:X2}"));
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        var before = factory.Upstream.Received.Count;
        using var response = await client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, key.Plaintext, encoded), Ct);
        await ProblemAssert.HasAsync(response, 400, "API keys are not accepted in the query string", "key-in-query",
            "Bearer realm=\"api\", error=\"invalid_request\"");
        Assert.Equal(before, factory.Upstream.Received.Count);
    }

    [Fact]
    public async Task Request_AdminCredentialInTheQuery_Returns400()
    {
        var admin = factory.Services.GetRequiredService<KeyFormat>().Mint(KeyMode.Admin);
        using var client = factory.CreateKeyClient(null, entry);
        using var response = await client.GetAsync($"/v1/status?x={admin}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("q=agw_live_short")]                                                       // our prefix, not a key
    [InlineData("q=agw_live_0000000000000000000000000000000000000000000000000")]           // the shape, a wrong checksum
    [InlineData("q=agw_and_more")]
    public async Task Request_PrefixButNotAKeyInTheQuery_IsForwarded(string query)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        using var response = await client.GetAsync($"/v1/contacts/1?{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_KeyInQueryStringWithoutHeader_Returns400()
    {
        using var client = factory.CreateKeyClient(null, entry);
        using var response = await client.GetAsync("/v1/contacts/1?api_key=agw_live_x", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("agw_live_short")]
    [InlineData("not-a-key")]
    [InlineData("xyz_live_0000000000000000000000000000000000000000000000000")]
    public async Task Request_WrongShape_Returns401InvalidFormat(string token)
    {
        using var client = factory.CreateKeyClient(token, entry);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        await ProblemAssert.HasAsync(response, 401, "Invalid API key format", "malformed-key", InvalidToken);
    }

    [Fact]
    public async Task Request_BadChecksum_Returns401InvalidFormat()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        var last = key.Plaintext[^1];
        var tampered = key.Plaintext[..^1] + (last == 'a' ? 'b' : 'a');
        using var client = factory.CreateKeyClient(tampered, entry);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        await ProblemAssert.HasAsync(response, 401, "Invalid API key format", "malformed-key", InvalidToken);
    }

    [Fact]
    public async Task Request_AdminCredential_Returns401InvalidFormat()
    {
        var admin = factory.Services.GetRequiredService<KeyFormat>().Mint(KeyMode.Admin);
        using var client = factory.CreateKeyClient(admin, entry);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        await ProblemAssert.HasAsync(response, 401, "Invalid API key format", "malformed-key", InvalidToken);
    }

    [Fact]
    public async Task Request_TwoAuthorizationHeaders_Returns401InvalidFormat()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(null, entry);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/contacts/1");
        request.Headers.TryAddWithoutValidation("Authorization", [$"Bearer {key.Plaintext}", $"Bearer {key.Plaintext}"]);
        using var response = await client.SendAsync(request, Ct);
        await ProblemAssert.HasAsync(response, 401, "Invalid API key format", "malformed-key", InvalidToken);
    }

    [Theory]
    [InlineData("Bearer {0}")]
    [InlineData("bearer {0}")]
    [InlineData("BEARER \t {0}")]
    [InlineData("  Bearer\t{0}  ")]
    public async Task Request_BearerVariants_Accepted(string format)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(null, entry);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/contacts/1");
        request.Headers.TryAddWithoutValidation("Authorization", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, key.Plaintext));
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_UnknownAndRevokedKeys_ByteIdenticalAnswers()
    {
        var format = factory.Services.GetRequiredService<KeyFormat>();
        var unknown = format.Mint(KeyMode.Live);
        var revoked = await factory.MintAsync(["contacts:read"]);
        await factory.Mutations.RevokeAsync(revoked.Key.Id, GatewayFactory.TestActor, Ct);

        using var unknownClient = factory.CreateKeyClient(unknown, entry);
        using var revokedClient = factory.CreateKeyClient(revoked.Plaintext, entry);
        using var a = await unknownClient.GetAsync("/v1/contacts/1", Ct);
        using var b = await revokedClient.GetAsync("/v1/contacts/1", Ct);

        await ProblemAssert.HasAsync(a, 401, "Invalid API key", "invalid-key", InvalidToken);
        Assert.Equal(a.StatusCode, b.StatusCode);
        Assert.Equal(await a.Content.ReadAsByteArrayAsync(Ct), await b.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(a.Headers.GetValues("WWW-Authenticate"), b.Headers.GetValues("WWW-Authenticate"));
        Assert.Equal(a.Content.Headers.ContentType, b.Content.Headers.ContentType);
    }

    [Fact]
    public async Task Request_ExpiredKey_Returns401Expired()
    {
        var key = await factory.MintAsync(["contacts:read"], expiresAt: factory.Clock.GetUtcNow().AddMinutes(5));
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        using (var ok = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        await ProblemAssert.HasAsync(response, 401, "API key has expired", "expired-key", InvalidToken);
    }

    [Fact]
    public async Task Request_DisabledKey_Returns403DisabledWithoutForwarding()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        using (var ok = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        await factory.DisableAsync(key.Key.Id);
        factory.AdvancePoll();

        using (var first = await RetryUntilAsync(client, HttpStatusCode.Forbidden))
        {
            Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
        }
        var forwarded = factory.Upstream.Received.Count;
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        await ProblemAssert.HasAsync(response, 403, "API key is disabled", "disabled-key", wwwAuthenticate: null);
        Assert.Equal(forwarded, factory.Upstream.Received.Count);
    }

    [Fact]
    public async Task Request_DisabledThenExpiredKey_Returns401Expired()
    {
        var key = await factory.MintAsync(["contacts:read"], expiresAt: factory.Clock.GetUtcNow().AddMinutes(5));
        await factory.DisableAsync(key.Key.Id);
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        await ProblemAssert.HasAsync(response, 401, "API key has expired", "expired-key", InvalidToken);
    }

    /// <summary>The change-feed poller runs on its own loop: ask again (advancing the fake clock) until it has evicted the key.</summary>
    private async Task<HttpResponseMessage> RetryUntilAsync(HttpClient client, HttpStatusCode status)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.GetAsync("/v1/contacts/1", Ct);
            if (response.StatusCode == status || attempt == 200)
            {
                return response;
            }
            response.Dispose();
            factory.AdvancePoll();
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Request_ValidKey_ForwardedWithoutSecretInDetail()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext, entry);
        using var response = await client.GetAsync("/v1/contacts/42", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (entry == GatewayEntry.Edge)
        {
            Assert.Contains(factory.Upstream.Received, r => r.Path == "/v1/contacts/42" && r.Header("X-Api-Key-Id") == key.Key.Id);
        }
        else
        {
            Assert.Equal(key.Key.Id, Assert.Single(response.Headers.GetValues("X-Api-Key-Id")));
            Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        }
    }
}

public sealed class EdgeKeyVerifierTests(GatewayFactory factory) : KeyVerifierTests(factory, GatewayEntry.Edge);

public sealed class ForwardAuthKeyVerifierTests(GatewayFactory factory) : KeyVerifierTests(factory, GatewayEntry.ForwardAuth);
