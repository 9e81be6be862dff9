namespace ApiGateway.Keys.Redis;

/// <summary>Told by <see cref="RedisConnection"/> when Redis becomes unreachable and when it answers again.</summary>
public interface IRedisHealthListener
{
    void Failed();

    void Succeeded();
}
