using System.Data;
using System.Text.Json.Nodes;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

internal sealed class AuditRow
{
    public const string Columns = "id AS Id, at AS At, actor_id AS ActorId, actor_name AS ActorName, action AS Action, key_id AS KeyId, key_name AS KeyName, details AS Details";

    /// <summary>The filter of an audit query; values are parameters only.</summary>
    public const string ListFilter = " WHERE (@keyId IS NULL OR key_id = @keyId) AND (@action IS NULL OR action = @action)";

    /// <summary>One page, newest first, one row more than the limit to tell whether another page follows.</summary>
    public static string ListPage(AuditQuery query) =>
        "SELECT " + Columns + " FROM audit_events" + ListFilter
        + (query.BeforeId is null ? "" : " AND id < @beforeId")
        + " ORDER BY id DESC LIMIT @limitPlusOne OFFSET @offset";

    public static object ListParameters(AuditQuery query) => new
    {
        keyId = query.KeyId,
        action = query.Action,
        beforeId = query.BeforeId,
        limitPlusOne = query.Limit + 1,
        offset = query.Offset,
    };

    public static AuditPage ToPage(IReadOnlyList<AuditRow> rows, int total, int limit)
    {
        var items = rows.Take(limit).Select(r => r.ToAuditEvent()).ToArray();
        return new AuditPage(items, total, rows.Count > limit ? items[^1].Id : null);
    }

    public long Id { get; set; }
    public long At { get; set; }
    public string ActorId { get; set; } = "";
    public string ActorName { get; set; } = "";
    public string Action { get; set; } = "";
    public string? KeyId { get; set; }
    public string? KeyName { get; set; }
    public string? Details { get; set; }

    public AuditEvent ToAuditEvent() => new()
    {
        Id = Id,
        At = UnixMs.ToTime(At),
        Actor = new Actor(ActorId, ActorName),
        Action = Action,
        KeyId = KeyId,
        KeyName = KeyName,
        Details = Details,
    };

    /// <summary>Every audit row is written here, so an actor's <see cref="Actor.Session"/> reaches <c>details.session</c> whatever the action.</summary>
    public static Task AppendAsync(IDbConnection connection, IDbTransaction transaction, DateTimeOffset at, Actor actor, string action, string? keyId, string? keyName, string? details, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_events (at, actor_id, actor_name, action, key_id, key_name, details) VALUES (@at, @actorId, @actorName, @action, @keyId, @keyName, @details)",
            new { at = UnixMs.From(at), actorId = actor.Id, actorName = actor.Name, action, keyId, keyName, details = WithSession(details, actor.Session) },
            transaction, cancellationToken: cancellationToken));

    /// <summary>The portal actor's session (the admin credential that opened it) added to whatever the event records.</summary>
    private static string? WithSession(string? details, string? session)
    {
        if (session is null)
        {
            return details;
        }
        var merged = details is null ? new JsonObject() : JsonNode.Parse(details) as JsonObject ?? new JsonObject { ["details"] = details };
        merged["session"] = session;
        return merged.ToJsonString();
    }
}
