// Seeds the key store directly (not through the admin API): migrates the database like the gateway does, then
// inserts N keys (and their lineages) in one transaction with prepared commands. The plaintexts of the first M keys
// go to --out, one per line, for the load generator; the rest are never written anywhere. Keys get a tier (--tier) or a
// rate-limit and daily-quota override; the benchmarks make either high enough that the limiter runs its full path
// (GCRA and quota) without ever answering 429.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ApiGateway.Bench.Seeder;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

var options = SeedOptions.Parse(args);
var stopwatch = Stopwatch.StartNew();
var database = new SqliteDatabase(Options.Create(new KeyStoreOptions { ConnectionString = $"Data Source={options.Database}", CommandTimeoutSeconds = 60 }));
await new SqliteMigrator(database, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);

var format = new KeyFormat(options.Prefix);
var hasher = new KeyHasher(options.Pepper);
var scopesJson = JsonSerializer.Serialize(options.Scopes);
var rateJson = options.RateLimit is null ? null
    : string.Create(CultureInfo.InvariantCulture, $"{{\"limit\":{options.RateLimit},\"periodSeconds\":{options.RatePeriodSeconds}}}");
var quotaJson = options.DailyQuota is null ? null : string.Create(CultureInfo.InvariantCulture, $"{{\"daily\":{options.DailyQuota}}}");
var createdAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

await using var connection = await database.OpenAsync(CancellationToken.None);
using (var pragma = connection.CreateCommand())
{
    // A 1M-row insert into two random-order indexes (hash, id) wants the index pages in memory.
    pragma.CommandText = "PRAGMA cache_size = -262144;";
    pragma.ExecuteNonQuery();
}
using var transaction = SqliteDatabase.BeginWrite(connection);
using var lineage = Prepare(connection, transaction, "INSERT INTO key_lineages (id, created_at) VALUES ($id, $created_at)", "$id", "$created_at");
using var key = Prepare(connection, transaction,
    "INSERT INTO api_keys (id, hash, prefix, name, mode, workspace_id, workspaces, owner, scopes, tier, rate_limit, quota, allowed_ips, lineage_id, created_at, created_by) " +
    "VALUES ($id, $hash, $prefix, $name, 'live', 'ws_bench', '[]', NULL, $scopes, $tier, $rate_limit, $quota, '[]', $lineage_id, $created_at, 'adm_bench')",
    "$id", "$hash", "$prefix", "$name", "$scopes", "$rate_limit", "$lineage_id", "$created_at", "$quota", "$tier");

using var output = options.OutFile is null ? null : new StreamWriter(options.OutFile);
for (var i = 0; i < options.Count; i++)
{
    var plaintext = format.Mint(KeyMode.Live);
    var lineageId = Ids.New("lin");
    lineage.Parameters[0].Value = lineageId;
    lineage.Parameters[1].Value = createdAt;
    lineage.ExecuteNonQuery();

    key.Parameters[0].Value = Ids.New("key");
    key.Parameters[1].Value = hasher.Hash(plaintext).ToArray();
    key.Parameters[2].Value = KeyFormat.VisiblePrefix(plaintext);
    key.Parameters[3].Value = string.Create(CultureInfo.InvariantCulture, $"bench-{i}");
    key.Parameters[4].Value = scopesJson;
    key.Parameters[5].Value = (object?)rateJson ?? DBNull.Value;
    key.Parameters[6].Value = lineageId;
    key.Parameters[7].Value = createdAt;
    key.Parameters[8].Value = (object?)quotaJson ?? DBNull.Value;
    key.Parameters[9].Value = (object?)options.Tier ?? DBNull.Value;
    key.ExecuteNonQuery();

    if (output is not null && i < options.Plaintexts)
    {
        output.WriteLine(plaintext);
    }
}
if (options.WorkspaceTier is { } workspaceTier)
{
    // Every request then spends the workspace's bucket and quota too (docs/rate-limits.md "Workspace limits").
    using var limits = Prepare(connection, transaction,
        "INSERT INTO workspace_limits (workspace_id, tier, rate_limit, quota, updated_at, updated_by) VALUES ('ws_bench', $tier, NULL, NULL, $at, 'adm_bench')",
        "$tier", "$at");
    limits.Parameters[0].Value = workspaceTier;
    limits.Parameters[1].Value = createdAt;
    limits.ExecuteNonQuery();
}
transaction.Commit();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"seeded {options.Count} keys into {options.Database} in {stopwatch.Elapsed.TotalSeconds:F1} s; {Math.Min(options.Count, options.Plaintexts)} plaintexts in {options.OutFile ?? "(none)"}"));

static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
{
    var command = connection.CreateCommand();
    command.Transaction = transaction;
    command.CommandText = sql;
    foreach (var name in names)
    {
        command.Parameters.Add(new SqliteParameter(name, null));
    }
    command.Prepare();
    return command;
}
