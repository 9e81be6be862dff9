using ApiGateway.TestKit;

namespace ApiGateway.Keys.Tests.Storage.Contract;

/// <summary>The store contract on SQLite: a real temp file per test.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly TempDatabase _database = new();

    protected override string Provider => "sqlite";

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(_database.ConnectionString);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
