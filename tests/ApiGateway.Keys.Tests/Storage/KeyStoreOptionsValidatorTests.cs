using ApiGateway.Keys.Storage;

namespace ApiGateway.Keys.Tests.Storage;

public sealed class KeyStoreOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new KeyStoreOptionsValidator().Validate(null, new KeyStoreOptions()).Succeeded);
    }

    [Fact]
    public void Validate_ManyProblems_ListsEveryOne()
    {
        var result = new KeyStoreOptionsValidator().Validate(null, new KeyStoreOptions { Provider = "mysql", ConnectionString = " ", CommandTimeoutSeconds = 0 });

        Assert.Equal(
            [
                "KeyStore:Provider must be 'sqlite' or 'postgres'.",
                "ConnectionStrings:KeyStore must be set.",
                "KeyStore:CommandTimeoutSeconds must be between 1 and 600 (was 0).",
            ],
            result.Failures);
    }

    [Theory]
    [InlineData("Database=apigw")]
    [InlineData("not a connection string")]
    public void Validate_PostgresWithoutHost_NamesTheSetting(string connectionString)
    {
        var result = new KeyStoreOptionsValidator().Validate(null, new KeyStoreOptions { Provider = "postgres", ConnectionString = connectionString });

        Assert.StartsWith("With KeyStore:Provider 'postgres', ConnectionStrings:KeyStore must be an Npgsql connection string", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data Source=")]
    [InlineData("Data Source=   ")]
    [InlineData("Host=db;Database=apigw")]
    [InlineData("not a connection string")]
    public void Validate_SqliteWithoutADatabaseFile_NamesTheSetting(string connectionString)
    {
        var result = new KeyStoreOptionsValidator().Validate(null, new KeyStoreOptions { Provider = "sqlite", ConnectionString = connectionString });

        Assert.StartsWith("With KeyStore:Provider 'sqlite', ConnectionStrings:KeyStore must be a SQLite connection string naming the database file", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PostgresWithHost_Succeeds()
    {
        Assert.True(new KeyStoreOptionsValidator().Validate(null, new KeyStoreOptions { Provider = "postgres", ConnectionString = "Host=db;Database=apigw" }).Succeeded);
    }
}
