using Microsoft.Data.Sqlite;

namespace ApiGateway.TestKit;

/// <summary>A real SQLite file in its own temp folder, deleted (with its WAL files) on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase(string name = "keys.db")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("apigw-tests-");
        Path = System.IO.Path.Combine(Directory.FullName, name);
    }

    public DirectoryInfo Directory { get; }

    public string Path { get; }

    public string ConnectionString => $"Data Source={Path}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process under test may still hold the file for a moment; the OS temp cleaner gets it later.
        }
    }
}
