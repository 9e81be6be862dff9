using ApiGateway.Keys.Redis;
using StackExchange.Redis;

namespace ApiGateway.Keys.Tests.Redis;

public sealed class RedisConnectionOptionsTests
{
    [Fact]
    public void Parse_PlainEndpoint_FailsFastWithShortTimeouts()
    {
        var options = RedisConnectionOptions.Parse("redis:6379");

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(BacklogPolicy.FailFast, options.BacklogPolicy);
        Assert.Equal(1000, options.ConnectTimeout);
        Assert.Equal(5000, options.SyncTimeout);
        Assert.Equal(5000, options.AsyncTimeout);
        Assert.Equal(1, options.ConnectRetry);
        Assert.IsType<LinearRetry>(options.ReconnectRetryPolicy);
    }

    [Fact]
    public void Parse_TimeoutsInTheString_AreKeptInAnyCase()
    {
        var options = RedisConnectionOptions.Parse("redis:6379,ConnectTimeout=20000,syncTimeout=100,ASYNCTIMEOUT=200,connectRetry=3");

        Assert.Equal(20000, options.ConnectTimeout);
        Assert.Equal(100, options.SyncTimeout);
        Assert.Equal(200, options.AsyncTimeout);
        Assert.Equal(3, options.ConnectRetry);
    }

    [Fact]
    public void Parse_Malformed_ThrowsNamingTheOption()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => RedisConnectionOptions.Parse("redis:6379,ssl=maybe"));

        Assert.Contains("ssl", error.Message, StringComparison.Ordinal);
    }
}
