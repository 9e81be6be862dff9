using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Mutations;

/// <summary>
/// One committed change, as hooks and listeners see it: the audit action it was recorded as (<see cref="AuditActions"/>),
/// who did it, what it was done to, and the keys whose change-feed rows it wrote (empty for admin credentials, which
/// gateways never read). Never a secret or a hash.
/// </summary>
public sealed record KeyMutation(string Action, Actor Actor, string SubjectId, IReadOnlyList<string> ChangedKeyIds);
