using System.ComponentModel.DataAnnotations;

namespace ApiGateway.Keys.Storage;

/// <summary>The <c>KeyStore</c> section plus <c>ConnectionStrings:KeyStore</c>.</summary>
public sealed class KeyStoreOptions : IValidatableObject
{
    public const string SectionName = "KeyStore";
    public const string ConnectionStringName = "KeyStore";
    public const string DefaultConnectionString = "Data Source=data/keys.db";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Set from <c>ConnectionStrings:KeyStore</c>.</summary>
    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>How long one store call may wait (for a lock, a busy database) before failing.</summary>
    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider is not ("sqlite" or "postgres"))
        {
            yield return new ValidationResult("KeyStore:Provider must be 'sqlite' or 'postgres'.", [nameof(Provider)]);
        }
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("ConnectionStrings:KeyStore must be set.", [nameof(ConnectionString)]);
        }
        else if (Provider == "postgres" && !IsNpgsqlConnectionString(ConnectionString))
        {
            yield return new ValidationResult(
                "With KeyStore:Provider 'postgres', ConnectionStrings:KeyStore must be an Npgsql connection string naming a Host, e.g. 'Host=db;Database=apigw;Username=apigw;Password=...'.",
                [nameof(ConnectionString)]);
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
