using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// Reading workspace limits: the admin API's <c>GET</c>s and the gateway's lookup. Every change goes through
/// <see cref="Mutations.WorkspaceLimitsService"/>, in a <see cref="IKeyWriteStore"/> transaction.
/// </summary>
public interface IWorkspaceLimitsStore
{
    /// <summary>The workspace's limits, or null when it has none.</summary>
    Task<WorkspaceLimits?> GetAsync(string workspaceId, CancellationToken cancellationToken);

    Task<WorkspaceLimitsPage> ListAsync(WorkspaceLimitsQuery query, CancellationToken cancellationToken);
}

/// <summary>A page of workspace limits in workspace id order; <see cref="After"/> is keyset paging (see <see cref="WorkspaceLimitsPage.Next"/>).</summary>
public sealed record WorkspaceLimitsQuery(int Limit, int Offset)
{
    public string? After { get; init; }
}

/// <summary><see cref="Total"/> counts every workspace with limits; <see cref="Next"/> (the last workspace id) is null on the last page.</summary>
public sealed record WorkspaceLimitsPage(IReadOnlyList<WorkspaceLimits> Items, int Total, string? Next = null);
