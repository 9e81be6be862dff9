using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Redis;
using StackExchange.Redis;

namespace ApiGateway.AdminApi.ChangeFeed;

/// <summary>
/// When <c>RateLimits:Redis</c> is set, publishes <c>keys:changed</c> on Redis once after each committed key mutation
/// (create, update, revoke, rotate, leak report; told by <see cref="KeyMutationService"/>, from the API and the console
/// alike), so every gateway polls the store's change feed at once instead of at its next 250 ms tick. Admin-credential
/// changes, sign-ins and changes that changed nothing publish nothing: gateways read no admin credential. The message is
/// the id of the key the mutation was done to (gateways do not read it). Best effort and fire-and-forget: the gateways'
/// polling stays the safety net, so a lost message (or a Redis outage, or a connection not made yet) only costs the poll interval.
/// </summary>
internal sealed class KeyChangePublisher(RedisConnection connection) : IKeyMutationListener
{
    public async Task OnCommittedAsync(KeyMutation mutation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        if (mutation.ChangedKeyIds.Count == 0 || connection.Current is not { IsConnected: true } redis)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(KeyChangeChannel.Channel, mutation.SubjectId, CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // The gateways' poll picks the change up within its interval.
        }
    }
}
