using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Dapper;

namespace ApiGateway.Keys.Portal;

/// <summary>
/// Portal sessions on either engine (<see cref="IStoreDialect"/>). A token is traded at most once: the trade is one
/// conditional UPDATE (unused, unexpired) inside a write transaction, so two browsers racing with one URL get one session.
/// </summary>
public sealed class PortalSessionStore(IStoreDialect dialect, TimeProvider time)
{
    /// <summary>Rows whose token and session both ended longer ago than this are deleted when a new session is opened.</summary>
    private static readonly TimeSpan KeepEnded = TimeSpan.FromDays(1);

    private const string Columns =
        "id AS Id, workspace_id AS WorkspaceId, owner AS Owner, display_name AS DisplayName, allowed_scopes AS AllowedScopes, " +
        "return_url AS ReturnUrl, created_by AS CreatedBy, created_at AS CreatedAt, ttl_seconds AS TtlSeconds, " +
        "token_expires_at AS TokenExpiresAt, started_at AS StartedAt, session_expires_at AS SessionExpiresAt";

    /// <summary>Stores the session with its token's hash and audits <c>portal.session_created</c> by <paramref name="actor"/>.</summary>
    public async Task CreateAsync(PortalSession session, byte[] tokenHash, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var cutoff = UnixMs.From(time.GetUtcNow() - KeepEnded);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM portal_sessions WHERE token_expires_at < @cutoff AND (session_expires_at IS NULL OR session_expires_at < @cutoff)",
            new { cutoff }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO portal_sessions (id, token_hash, workspace_id, owner, display_name, allowed_scopes, return_url, created_by, created_at, ttl_seconds, token_expires_at) " +
            "VALUES (@Id, @tokenHash, @WorkspaceId, @Owner, @DisplayName, @allowedScopes, @ReturnUrl, @CreatedBy, @createdAt, @TtlSeconds, @tokenExpiresAt)",
            new
            {
                session.Id, tokenHash, session.WorkspaceId, session.Owner, session.DisplayName, allowedScopes = StoreJson.WriteList(session.AllowedScopes),
                session.ReturnUrl, session.CreatedBy, createdAt = UnixMs.From(session.CreatedAt), session.TtlSeconds, tokenExpiresAt = UnixMs.From(session.TokenExpiresAt),
            }, transaction, cancellationToken: cancellationToken));
        await AuditRow.AppendAsync(connection, transaction, session.CreatedAt, actor, AuditActions.PortalSessionCreated, keyId: null, keyName: null,
            StoreJson.WriteDetails(new()
            {
                ["portalSession"] = session.Id,
                ["workspaceId"] = session.WorkspaceId,
                ["owner"] = session.Owner,
                ["allowedScopes"] = session.AllowedScopes.ToArray(),
                ["expiresAt"] = session.TokenExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Spends the token: the session starts now and lasts <see cref="PortalSession.Lifetime"/>. Null when no session has
    /// this token, or its token was already traded or has expired (all three look the same to the caller).
    /// </summary>
    public async Task<PortalSession?> StartAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        var now = UnixMs.From(time.GetUtcNow());
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var started = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE portal_sessions SET started_at = @now, " +
            "session_expires_at = @now + (CASE WHEN ttl_seconds * 12000 < @maxMs THEN ttl_seconds * 12000 ELSE @maxMs END) " +
            "WHERE token_hash = @tokenHash AND started_at IS NULL AND token_expires_at > @now",
            new { now, tokenHash, maxMs = (long)PortalSession.MaxLifetime.TotalMilliseconds }, transaction, cancellationToken: cancellationToken));
        if (started != 1)
        {
            return null;
        }
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(
            "SELECT " + Columns + " FROM portal_sessions WHERE token_hash = @tokenHash", new { tokenHash }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return row.ToSession();
    }

    public async Task<PortalSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT " + Columns + " FROM portal_sessions WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToSession();
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string WorkspaceId { get; set; } = "";
        public string Owner { get; set; } = "";
        public string? DisplayName { get; set; }
        public string AllowedScopes { get; set; } = "[]";
        public string? ReturnUrl { get; set; }
        public string CreatedBy { get; set; } = "";
        public long CreatedAt { get; set; }
        public int TtlSeconds { get; set; }
        public long TokenExpiresAt { get; set; }
        public long? StartedAt { get; set; }
        public long? SessionExpiresAt { get; set; }

        public PortalSession ToSession() => new()
        {
            Id = Id,
            WorkspaceId = WorkspaceId,
            Owner = Owner,
            DisplayName = DisplayName,
            AllowedScopes = StoreJson.ReadList(AllowedScopes),
            ReturnUrl = ReturnUrl,
            CreatedBy = CreatedBy,
            CreatedAt = UnixMs.ToTime(CreatedAt),
            TtlSeconds = TtlSeconds,
            TokenExpiresAt = UnixMs.ToTime(TokenExpiresAt),
            StartedAt = UnixMs.ToTime(StartedAt),
            SessionExpiresAt = UnixMs.ToTime(SessionExpiresAt),
        };
    }
}
