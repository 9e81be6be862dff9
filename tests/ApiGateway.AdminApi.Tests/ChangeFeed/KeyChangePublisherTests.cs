using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys.Redis;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ApiGateway.AdminApi.Tests.ChangeFeed;

/// <summary>
/// With <c>RateLimits:Redis</c>: <c>keys:changed</c> on a real Redis, published once per committed key mutation, from the
/// API and the console, and for nothing else (sign-in, admin credentials, refusals, changes that changed nothing).
/// Messages from one publisher arrive in publish order, so a stray message from an earlier request would show up before
/// the next expected one. And a Redis that hangs never holds up the start.
/// </summary>
public sealed partial class KeyChangePublisherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostStart_RedisThatNeverAnswersTls_StartsAndServesMutations()
    {
        // The admin API once connected synchronously while building its pipeline: ssl=true against a server that never
        // answers the handshake hung its start for good.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var factory = new AdminApiFactory().With("RateLimits:Redis", $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port},ssl=true");

        using var client = await Task.Run(factory.CreateOwnerClient, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var response = await client.PostJsonAsync("/v1/keys", KeyRequests.Valid());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Publish_EveryKeyMutationOnceAfterCommit_NothingForSignInAdminCredentialsOrNoChange()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        await using var factory = new AdminApiFactory().With("RateLimits:Redis", redis.ConnectionString);
        using var api = factory.CreateOwnerClient();
        await using var subscriber = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse(redis.ConnectionString));
        var messages = Channel.CreateUnbounded<string>();
        await subscriber.GetSubscriber().SubscribeAsync(KeyChangeChannel.Channel, (_, message) => messages.Writer.TryWrite(message!));
        // The admin API connects in the background; until then it rightly publishes nothing.
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Services.GetRequiredService<RedisConnection>().OnConnected(_ => connected.TrySetResult());
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var console = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        // Not key mutations: a console sign-in, an admin credential made and revoked.
        using (var signIn = await console.PostAsync("/console/sign-in", Form(await TokenAsync(console, "/console/sign-in"), ("credential", AdminApiFactory.OwnerCredential)), Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        using (var admin = await api.PostJsonAsync("/v1/admin-keys", new JsonObject { ["name"] = "ci", ["role"] = "admin" }))
        {
            var adminId = (await ApiAssert.JsonAsync(admin, HttpStatusCode.Created)).Str("id");
            using var revokedAdmin = await api.DeleteAsync($"/v1/admin-keys/{adminId}", Ct);
            Assert.Equal(HttpStatusCode.OK, revokedAdmin.StatusCode);
        }

        var first = (await api.MintAsync()).Str("id");
        Assert.Equal(first, await NextAsync(messages));
        using (var renamed = await api.PatchJsonAsync($"/v1/keys/{first}", """{"name":"renamed"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        }
        Assert.Equal(first, await NextAsync(messages));
        using (var unchanged = await api.PatchJsonAsync($"/v1/keys/{first}", """{"name":"renamed"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode); // the name it has: nothing changes, nothing is published
        }
        using (var paused = await api.PatchJsonAsync($"/v1/keys/{first}", """{"enabled":false}"""))
        {
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        }
        Assert.Equal(first, await NextAsync(messages));
        using (var revoked = await console.PostAsync($"/console/keys/{first}/revoke", Form(await TokenAsync(console, $"/console/keys/{first}/revoke")), Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        }
        Assert.Equal(first, await NextAsync(messages));
        // Changes nothing: revoked already, and a revoked key cannot change.
        using (var again = await api.DeleteAsync($"/v1/keys/{first}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        using (var refused = await api.PatchJsonAsync($"/v1/keys/{first}", """{"name":"late"}"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        var second = (await api.MintAsync()).Str("id");
        Assert.Equal(second, await NextAsync(messages));
        using (var rotated = await api.PostAsync($"/v1/keys/{second}/rotate", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        }
        Assert.Equal(second, await NextAsync(messages));
        Assert.False(messages.Reader.TryRead(out var extra), $"Unexpected message {extra}.");
    }

    /// <summary>The next message, waiting for it (to the test's deadline).</summary>
    private static async Task<string> NextAsync(Channel<string> messages) =>
        await messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

    private static async Task<string> TokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative), Ct);
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {path}.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new([KeyValuePair.Create("__RequestVerificationToken", token), .. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))]);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
