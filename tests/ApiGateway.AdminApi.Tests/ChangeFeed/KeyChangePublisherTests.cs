using System.Net;
using System.Net.Sockets;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys.Redis;
using ApiGateway.TestKit;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ApiGateway.AdminApi.Tests.ChangeFeed;

/// <summary>With <c>RateLimits:Redis</c>: <c>keys:changed</c> after a mutation, and a Redis that hangs never holds up the start.</summary>
public sealed class KeyChangePublisherTests
{
    [Fact]
    public async Task HostStart_RedisThatNeverAnswersTls_StartsAndServesMutations()
    {
        // The admin API once connected synchronously while building its pipeline: ssl=true against a server that never
        // answers the handshake hung its start for good.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var factory = new AdminApiFactory().With("RateLimits:Redis", $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port},ssl=true");

        using var client = await Task.Run(factory.CreateOwnerClient, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var response = await client.PostJsonAsync("/v1/keys", KeyRequests.Valid());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Mutation_RedisConfigured_PublishesKeysChanged()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        await using var listener = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse(redis.ConnectionString));
        var published = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal("keys:changed"), (_, message) => published.TrySetResult(message!));
        await using var factory = new AdminApiFactory().With("RateLimits:Redis", redis.ConnectionString);
        using var client = factory.CreateOwnerClient();
        var connection = factory.Services.GetRequiredService<RedisConnection>();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.OnConnected(_ => connected.TrySetResult());
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var response = await client.PostJsonAsync("/v1/keys", KeyRequests.Valid());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("1", await published.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }
}
