namespace ApiGateway.Keys.Storage;

/// <summary>The <c>KeyStore</c> section plus <c>ConnectionStrings:KeyStore</c>; validated at start by <see cref="KeyStoreOptionsValidator"/>.</summary>
public sealed class KeyStoreOptions
{
    public const string SectionName = "KeyStore";
    public const string ConnectionStringName = "KeyStore";
    public const string DefaultConnectionString = "Data Source=data/keys.db";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Set from <c>ConnectionStrings:KeyStore</c>.</summary>
    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>How long one store call may wait (for a lock, a busy database) before failing.</summary>
    public int CommandTimeoutSeconds { get; set; } = 5;
}
