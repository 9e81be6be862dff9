using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Postgres;
using ApiGateway.Keys.Storage.Sqlite;

namespace ApiGateway.Keys.Tests.Storage;

public sealed class MigrationScriptsTests
{
    private static readonly IReadOnlyList<(int Version, string Name, string Sql)> Three =
        [(1, "0001_a.sql", "SELECT 1"), (2, "0002_b.sql", "SELECT 2"), (3, "0003_c.sql", "SELECT 3")];

    [Theory]
    [InlineData(0, new[] { 1, 2, 3 })]
    [InlineData(1, new[] { 2, 3 })]
    [InlineData(3, new int[0])]
    public void Pending_DatabaseAtOrBehindTheBuild_TheScriptsAfterItsVersionInOrder(int current, int[] expected)
    {
        Assert.Equal(expected, MigrationScripts.Pending(Three, current).Select(s => s.Version));
    }

    [Fact]
    public void Pending_DatabaseNewerThanTheBuild_RefusedNamingBothVersions()
    {
        var error = Assert.Throws<InvalidOperationException>(() => MigrationScripts.Pending(Three, 4));

        Assert.Contains("schema version 4, newer than this build knows (3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latest_NoScripts_Zero() => Assert.Equal(0, MigrationScripts.Latest([]));

    [Fact]
    public void Load_BothEngines_NumberedOneToNWithTheSameCount()
    {
        // Each engine numbers its own scripts, but a feature lands on both at once: the counts move together.
        Assert.Equal(Enumerable.Range(1, SqliteMigrator.Scripts.Count), SqliteMigrator.Scripts.Select(s => s.Version));
        Assert.Equal(Enumerable.Range(1, PostgresMigrator.Scripts.Count), PostgresMigrator.Scripts.Select(s => s.Version));
        Assert.Equal(SqliteMigrator.Scripts.Count, PostgresMigrator.Scripts.Count);
    }
}
