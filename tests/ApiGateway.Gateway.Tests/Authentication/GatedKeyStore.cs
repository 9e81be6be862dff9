using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>
/// The real store with a controllable gateway lookup: <see cref="FindByHashAsync"/> reads the store, then stops at the
/// next armed <see cref="Gate"/> (so the test decides when the already-read row reaches the cache), or fails while
/// <see cref="Failing"/> is set. Counts the lookups that reached the store.
/// </summary>
internal sealed class GatedKeyStore(IKeyStore inner) : IKeyStore
{
    private Gate? _next;
    private int _lookups;

    public int Lookups => Volatile.Read(ref _lookups);

    public bool Failing { get; set; }

    /// <summary>The next lookup stops after reading the store, until the returned gate is opened.</summary>
    public Gate GateNextLookup()
    {
        var gate = new Gate();
        Volatile.Write(ref _next, gate);
        return gate;
    }

    public async Task<ApiKey?> FindByHashAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        if (Failing)
        {
            throw new IOException("store unreachable (test)");
        }
        var key = await inner.FindByHashAsync(hash, cancellationToken);
        if (Interlocked.Exchange(ref _next, null) is { } gate)
        {
            await gate.PassAsync();
        }
        return key;
    }

    public Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<KeyPage> ListAsync(KeyQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public Task<AuditPage> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken) => inner.ListAuditAsync(query, cancellationToken);
}
