using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary><see cref="IWorkspaceLimitsStore"/> on either engine.</summary>
public sealed class WorkspaceLimitsStore(IStoreDialect dialect) : IWorkspaceLimitsStore
{
    public async Task<WorkspaceLimits?> GetAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<WorkspaceLimitsRow>(new CommandDefinition(
            WorkspaceLimitsRow.SelectOne, new { workspaceId }, cancellationToken: cancellationToken));
        return row?.ToLimits();
    }

    public async Task<WorkspaceLimitsPage> ListAsync(WorkspaceLimitsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        // One snapshot for the count and the page, as the key list.
        await using var transaction = await dialect.BeginSnapshotAsync(connection, cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM workspace_limits", null, transaction, cancellationToken: cancellationToken));
        var rows = (await connection.QueryAsync<WorkspaceLimitsRow>(new CommandDefinition(
            WorkspaceLimitsRow.ListPage(query.After is not null),
            new { after = query.After, limitPlusOne = query.Limit + 1, offset = query.Offset },
            transaction, cancellationToken: cancellationToken))).ToList();
        await transaction.CommitAsync(cancellationToken);
        var items = rows.Take(query.Limit).Select(r => r.ToLimits()).ToArray();
        return new WorkspaceLimitsPage(items, total, rows.Count > query.Limit ? items[^1].WorkspaceId : null);
    }
}
