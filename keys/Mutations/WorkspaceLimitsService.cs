using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Keys.Mutations;

/// <summary>
/// Every change to a workspace's limits, for the API, the console and anything after them (docs/admin-api.md
/// "Workspace limits"), in the style of <see cref="KeyMutationService"/>: one write transaction that reads the current
/// limits under the workspace's lock, writes the change with its audit event (<c>keyId</c> null, <c>details.workspaceId</c>)
/// and its change-feed row (<see cref="WorkspaceFeedIds"/>, which gateways follow to apply it within 1 s), runs every
/// <see cref="IKeyMutationHook"/> in it, and after commit tells every <see cref="IKeyMutationListener"/> (with Redis: the
/// <c>keys:changed</c> publish that wakes the gateways at once). A change that changes nothing writes nothing and tells nobody.
/// </summary>
public sealed class WorkspaceLimitsService(
    IKeyWriteStore store,
    IEnumerable<IKeyMutationHook> hooks,
    IEnumerable<IKeyMutationListener> listeners,
    TimeProvider time,
    ILogger<WorkspaceLimitsService> logger)
{
    private readonly MutationTransaction _transaction = new(store, hooks, listeners, logger);

    /// <summary>
    /// Sets the workspace's limits (replacing any it had) and returns them as stored; limits equal to the current ones
    /// are returned as they stand, with their original <c>updatedAt</c>/<c>updatedBy</c>. The caller has validated
    /// <paramref name="spec"/> (not empty, each field as on a key).
    /// </summary>
    public Task<WorkspaceLimits> SetAsync(string workspaceId, WorkspaceLimitsSpec spec, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceId);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(actor);
        if (spec.IsEmpty)
        {
            throw new ArgumentException("Workspace limits need a tier, a rate limit or a quota.", nameof(spec));
        }
        return WriteAsync<WorkspaceLimits>(async writer =>
        {
            var current = await writer.LockWorkspaceLimitsAsync(workspaceId);
            if (current is not null && current.SameLimits(spec))
            {
                return (current, null);
            }
            var limits = new WorkspaceLimits
            {
                WorkspaceId = workspaceId,
                Tier = spec.Tier,
                RateLimit = spec.RateLimit,
                Quota = spec.Quota,
                UpdatedAt = time.GetUtcNow(),
                UpdatedBy = actor.Id,
            };
            await writer.WriteWorkspaceLimitsAsync(limits);
            await writer.AppendChangeAsync(WorkspaceFeedIds.For(workspaceId));
            await writer.AppendAuditAsync(AuditActions.WorkspaceLimitsUpdated, actor, keyId: null, keyName: null, WorkspaceLimitsRow.UpdatedDetails(limits));
            return (limits, Mutation(AuditActions.WorkspaceLimitsUpdated, actor, workspaceId));
        }, cancellationToken);
    }

    /// <summary>Removes the workspace's limits; true when it had some (idempotent: removing none writes nothing).</summary>
    public Task<bool> RemoveAsync(string workspaceId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceId);
        ArgumentNullException.ThrowIfNull(actor);
        return WriteAsync<bool>(async writer =>
        {
            if (await writer.LockWorkspaceLimitsAsync(workspaceId) is null)
            {
                return (false, null);
            }
            await writer.DeleteWorkspaceLimitsAsync(workspaceId);
            await writer.AppendChangeAsync(WorkspaceFeedIds.For(workspaceId));
            await writer.AppendAuditAsync(AuditActions.WorkspaceLimitsRemoved, actor, keyId: null, keyName: null, WorkspaceLimitsRow.RemovedDetails(workspaceId));
            return (true, Mutation(AuditActions.WorkspaceLimitsRemoved, actor, workspaceId));
        }, cancellationToken);
    }

    /// <summary>The mutation hooks and listeners see: its change-feed row is the workspace's (no key changed).</summary>
    private static KeyMutation Mutation(string action, Actor actor, string workspaceId) =>
        new(action, actor, workspaceId, [WorkspaceFeedIds.For(workspaceId)]);

    /// <summary>One write transaction: the work, then every hook on its mutation, then commit; then the listeners.</summary>
    private Task<T> WriteAsync<T>(Func<IKeyStoreWriter, Task<(T Result, KeyMutation? Mutation)>> work, CancellationToken cancellationToken) =>
        _transaction.WriteAsync(work, cancellationToken);
}
