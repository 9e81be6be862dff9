using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>The real change feed; a read can be held (after it read the store) at an armed <see cref="Gate"/>.</summary>
internal sealed class GatedKeyChangeFeed(IKeyChangeFeed inner) : IKeyChangeFeed
{
    private readonly object _lock = new();
    private int _reads;
    private int _gatedRead = -1;
    private Gate? _gate;

    /// <summary>The <paramref name="n"/>-th <see cref="ReadAsync"/> from now (1-based) stops until the returned gate is opened.</summary>
    public Gate GateRead(int n)
    {
        lock (_lock)
        {
            _gate = new Gate();
            _gatedRead = _reads + n;
            return _gate;
        }
    }

    public Task<long> GetLatestSequenceAsync(CancellationToken cancellationToken) => inner.GetLatestSequenceAsync(cancellationToken);

    public async Task<IReadOnlyList<KeyChange>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken)
    {
        var changes = await inner.ReadAsync(afterSequence, max, cancellationToken);
        Gate? gate = null;
        lock (_lock)
        {
            _reads++;
            if (_reads == _gatedRead)
            {
                gate = _gate;
            }
        }
        if (gate is not null)
        {
            await gate.PassAsync();
        }
        return changes;
    }
}
