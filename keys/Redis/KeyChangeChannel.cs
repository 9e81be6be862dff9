using StackExchange.Redis;

namespace ApiGateway.Keys.Redis;

/// <summary>
/// The Redis channel on which the admin API announces that keys changed and every gateway wakes its change-feed poller
/// (docs/scale-out.md). The message is the id of the key changed, for a person watching the channel; gateways do not
/// read it (a lost message loses nothing): the poll reads what changed.
/// </summary>
public static class KeyChangeChannel
{
    public const string Name = "keys:changed";

    public static readonly RedisChannel Channel = RedisChannel.Literal(Name);
}
