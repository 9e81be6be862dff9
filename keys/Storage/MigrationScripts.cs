using System.Globalization;

namespace ApiGateway.Keys.Storage;

/// <summary>The embedded <c>Migrations/{Provider}/NNNN_name.sql</c> scripts of one provider, numbered 1..N without gaps.</summary>
internal static class MigrationScripts
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> Load(string resourcePrefix)
    {
        var assembly = typeof(MigrationScripts).Assembly;
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[resourcePrefix.Length..];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, name, reader.ReadToEnd()));
        }
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Item1 != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 1..N without gaps; found {scripts[i].Item2}.");
            }
        }
        return scripts;
    }

    /// <summary>
    /// The scripts a database at schema version <paramref name="current"/> still needs, in order; a database newer than
    /// this build (a rollback after an upgrade) is refused rather than run against tables it does not know.
    /// </summary>
    public static IEnumerable<(int Version, string Name, string Sql)> Pending(IReadOnlyList<(int Version, string Name, string Sql)> scripts, int current)
    {
        var latest = Latest(scripts);
        if (current > latest)
        {
            throw new InvalidOperationException($"The database is at schema version {current}, newer than this build knows ({latest}). Upgrade this process.");
        }
        return scripts.Where(script => script.Version > current);
    }

    /// <summary>The version a database is at once every script ran.</summary>
    public static int Latest(IReadOnlyList<(int Version, string Name, string Sql)> scripts) => scripts.Count == 0 ? 0 : scripts[^1].Version;
}
