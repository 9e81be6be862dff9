using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage.Postgres;

/// <summary>Reads <c>key_changes</c>, whose sequence order is commit order (see <see cref="PostgresKeyStore"/>).</summary>
public sealed class PostgresKeyChangeFeed(PostgresDatabase database) : IKeyChangeFeed
{
    public async Task<long> GetLatestSequenceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(seq), 0) FROM key_changes", cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<KeyChange>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Seq, string KeyId)>(new CommandDefinition(
            "SELECT seq, key_id FROM key_changes WHERE seq > @afterSequence ORDER BY seq LIMIT @max",
            new { afterSequence, max }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new KeyChange(r.Seq, r.KeyId))];
    }
}
