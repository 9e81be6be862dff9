using System.Net;
using ApiGateway.Keys;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>Changes made in the store (as the admin API does, from any process) reach the gateway's cache within one poll.</summary>
public sealed class KeyChangePollerTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Lets the poller run (fake clock), then polls the gateway until <paramref name="expected"/> or a real deadline.</summary>
    private async Task<HttpStatusCode> AfterPollAsync(string key, string path, HttpStatusCode expected)
    {
        using var client = factory.CreateKeyClient(key);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            factory.AdvancePoll();
            using var response = await client.GetAsync(path, Ct);
            status = response.StatusCode;
        }
        while (status != expected && DateTime.UtcNow < deadline);
        return status;
    }

    [Fact]
    public async Task Request_KeyRevokedInStore_ServedFromCacheUntilPollThenRefused()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using (var first = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await factory.Mutations.RevokeAsync(key.Key.Id, GatewayFactory.TestActor, Ct);

        // No poll yet (the fake clock has not moved): the cached entry answers, proving no store query per request.
        using (var cached = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await AfterPollAsync(key.Plaintext, "/v1/contacts/1", HttpStatusCode.Unauthorized));
        using var refused = await client.GetAsync("/v1/contacts/1", Ct);
        await ProblemAssert.HasAsync(refused, 401, "Invalid API key", "invalid-key", "Bearer realm=\"api\", error=\"invalid_token\"");
    }

    [Fact]
    public async Task Request_ScopesPatchedInStore_AppliedAfterPoll()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using (var first = await client.GetAsync("/v1/contacts/2", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        await factory.Mutations.UpdateAsync(key.Key.Id, new KeyUpdate { Scopes = new(true, ["contacts:write"]) }, GatewayFactory.TestActor, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, await AfterPollAsync(key.Plaintext, "/v1/contacts/2", HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Request_ExpiryPatchedToThePast_RefusedAsExpiredAfterPoll()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using (var first = await client.GetAsync("/v1/contacts/3", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        await factory.Mutations.UpdateAsync(key.Key.Id, new KeyUpdate { ExpiresAt = new(true, factory.Clock.GetUtcNow()) }, GatewayFactory.TestActor, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, await AfterPollAsync(key.Plaintext, "/v1/contacts/3", HttpStatusCode.Unauthorized));
        using var refused = await client.GetAsync("/v1/contacts/3", Ct);
        await ProblemAssert.HasAsync(refused, 401, "API key has expired", "expired-key", "Bearer realm=\"api\", error=\"invalid_token\"");
    }

    [Fact]
    public async Task Request_KeyRotatedWithoutGrace_OldRefusedNewAccepted()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using (var client = factory.CreateKeyClient(key.Plaintext))
        using (var first = await client.GetAsync("/v1/contacts/4", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var rotated = await factory.Services.GetRequiredService<KeyMutationService>().RotateAsync(key.Key.Id, TimeSpan.Zero, null, GatewayFactory.TestActor, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, await AfterPollAsync(key.Plaintext, "/v1/contacts/4", HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, await AfterPollAsync(rotated.Successor!.Plaintext, "/v1/contacts/4", HttpStatusCode.OK));
    }
}
