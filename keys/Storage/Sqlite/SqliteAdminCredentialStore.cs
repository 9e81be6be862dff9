using System.Data;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage.Sqlite;

public sealed class SqliteAdminCredentialStore(SqliteDatabase database, TimeProvider time) : IAdminCredentialStore
{
    private const string Columns = "id AS Id, prefix AS Prefix, name AS Name, role AS Role, created_at AS CreatedAt, created_by AS CreatedBy, revoked_at AS RevokedAt";

    public async Task<AdminCredential?> FindActiveByHashAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AdminRow>(new CommandDefinition(
            "SELECT " + Columns + " FROM admin_credentials WHERE hash = @hash AND revoked_at IS NULL",
            new { hash = hash.ToArray() }, cancellationToken: cancellationToken));
        return row?.ToCredential();
    }

    public async Task<AdminCredential> CreateAsync(AdminCredential credential, KeyHash hash, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        await InsertAsync(connection, transaction, credential, hash, cancellationToken);
        await AuditAsync(connection, transaction, actor, AuditActions.AdminCreated, credential, cancellationToken);
        transaction.Commit();
        return credential;
    }

    public async Task<bool> TryBootstrapAsync(AdminCredential credential, KeyHash hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        await using var connection = await database.OpenAsync(cancellationToken);
        // The write lock makes "none exists yet" and the insert one step, even when both processes start together.
        using var transaction = SqliteDatabase.BeginWrite(connection);
        var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM admin_credentials", transaction: transaction, cancellationToken: cancellationToken));
        if (existing > 0)
        {
            return false;
        }
        await InsertAsync(connection, transaction, credential, hash, cancellationToken);
        await AuditAsync(connection, transaction, Actor.System, AuditActions.AdminBootstrapped, credential, cancellationToken);
        transaction.Commit();
        return true;
    }

    public async Task<IReadOnlyList<AdminCredential>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminRow>(new CommandDefinition(
            "SELECT " + Columns + " FROM admin_credentials ORDER BY created_at, id", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToCredential())];
    }

    public async Task<AdminCredential?> RevokeAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        var row = await connection.QuerySingleOrDefaultAsync<AdminRow>(new CommandDefinition(
            "SELECT " + Columns + " FROM admin_credentials WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }
        var credential = row.ToCredential();
        if (credential.RevokedAt is not null)
        {
            return credential;
        }
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE admin_credentials SET revoked_at = @now WHERE id = @id", new { id, now = UnixMs.From(now) }, transaction, cancellationToken: cancellationToken));
        credential = credential with { RevokedAt = now };
        await AuditAsync(connection, transaction, actor, AuditActions.AdminRevoked, credential, cancellationToken);
        transaction.Commit();
        return credential;
    }

    private static Task<int> InsertAsync(IDbConnection connection, IDbTransaction transaction, AdminCredential credential, KeyHash hash, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO admin_credentials (id, hash, prefix, name, role, created_at, created_by) VALUES (@Id, @Hash, @Prefix, @Name, @Role, @CreatedAt, @CreatedBy)",
            new
            {
                credential.Id,
                Hash = hash.ToArray(),
                credential.Prefix,
                credential.Name,
                Role = credential.Role.ToWire(),
                CreatedAt = UnixMs.From(credential.CreatedAt),
                credential.CreatedBy,
            }, transaction, cancellationToken: cancellationToken));

    private Task AuditAsync(IDbConnection connection, IDbTransaction transaction, Actor actor, string action, AdminCredential credential, CancellationToken cancellationToken) =>
        AuditRow.AppendAsync(connection, transaction, time.GetUtcNow(), actor, action, keyId: null, keyName: null,
            StoreJson.WriteDetails(new() { ["adminId"] = credential.Id, ["adminName"] = credential.Name, ["role"] = credential.Role.ToWire(), ["prefix"] = credential.Prefix }),
            cancellationToken);

    private sealed class AdminRow
    {
        public string Id { get; set; } = "";
        public string Prefix { get; set; } = "";
        public string Name { get; set; } = "";
        public string Role { get; set; } = "";
        public long CreatedAt { get; set; }
        public string? CreatedBy { get; set; }
        public long? RevokedAt { get; set; }

        public AdminCredential ToCredential() => new()
        {
            Id = Id,
            Prefix = Prefix,
            Name = Name,
            Role = AdminRoleNames.TryParse(Role, out var role) ? role : throw new InvalidDataException($"Admin credential {Id} has an unknown role."),
            CreatedAt = UnixMs.ToTime(CreatedAt),
            CreatedBy = CreatedBy,
            RevokedAt = UnixMs.ToTime(RevokedAt),
        };
    }
}
