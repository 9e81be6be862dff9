using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>The ordered log of key changes, polled by gateways to keep their caches within the freshness bound.</summary>
public interface IKeyChangeFeed
{
    /// <summary>The newest sequence number, 0 when nothing has changed yet.</summary>
    Task<long> GetLatestSequenceAsync(CancellationToken cancellationToken);

    /// <summary>Changes after <paramref name="afterSequence"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<KeyChange>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken);
}
