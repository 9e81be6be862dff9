using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.Storage;

/// <summary>Checks <c>KeyStore</c> and <c>ConnectionStrings:KeyStore</c> at start, reporting every problem, each naming its setting.</summary>
public sealed class KeyStoreOptionsValidator : IValidateOptions<KeyStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Provider is not ("sqlite" or "postgres"))
        {
            failures.Add("KeyStore:Provider must be 'sqlite' or 'postgres'.");
        }
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("ConnectionStrings:KeyStore must be set.");
        }
        else if (options.Provider == "postgres" && !IsNpgsqlConnectionString(options.ConnectionString))
        {
            failures.Add(
                "With KeyStore:Provider 'postgres', ConnectionStrings:KeyStore must be an Npgsql connection string naming a Host, e.g. 'Host=db;Database=apigw;Username=apigw;Password=...'.");
        }
        else if (options.Provider == "sqlite" && !NamesSqliteFile(options.ConnectionString))
        {
            failures.Add(
                "With KeyStore:Provider 'sqlite', ConnectionStrings:KeyStore must be a SQLite connection string naming the database file, e.g. 'Data Source=data/keys.db'.");
        }
        if (options.CommandTimeoutSeconds is < 1 or > 600)
        {
            failures.Add($"KeyStore:CommandTimeoutSeconds must be between 1 and 600 (was {options.CommandTimeoutSeconds}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Checked here so a bad value stops the process with this message: otherwise the store's constructor threw a bare
    /// <see cref="ArgumentException"/> on unparsable text, and a blank <c>Data Source</c> gave every connection its own
    /// temporary database.
    /// </summary>
    private static bool NamesSqliteFile(string connectionString)
    {
        try
        {
            return !string.IsNullOrWhiteSpace(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsNpgsqlConnectionString(string connectionString)
    {
        try
        {
            return !string.IsNullOrEmpty(new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
