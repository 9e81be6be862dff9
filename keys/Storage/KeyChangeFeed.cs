using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// Reads <c>key_changes</c>, whose sequence order is commit order on either engine (writers append under
/// <see cref="IStoreDialect.LockChangeFeedAsync"/>).
/// </summary>
public sealed class KeyChangeFeed(IStoreDialect dialect) : IKeyChangeFeed
{
    public async Task<long> GetLatestSequenceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(seq), 0) FROM key_changes", cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<KeyChange>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Seq, string KeyId)>(new CommandDefinition(
            "SELECT seq, key_id FROM key_changes WHERE seq > @afterSequence ORDER BY seq LIMIT @max",
            new { afterSequence, max }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new KeyChange(r.Seq, r.KeyId))];
    }
}
