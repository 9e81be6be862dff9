using ApiGateway.Keys.Routes;
using ApiGateway.Keys.Scopes;

namespace ApiGateway.AdminApi.Scopes;

/// <summary>
/// The scope catalogue of the routes file, re-read when the file's size or write time changes (one stat per use, so it
/// also works where file watchers do not). The first load must succeed (<see cref="Load"/> at start); a later bad or
/// missing file is logged and the last good catalogue keeps serving, as the gateway does with its routes.
/// </summary>
internal sealed partial class ScopeCatalogueSource(IOptions<RoutesFileOptions> options, ILogger<ScopeCatalogueSource> logger)
{
    private readonly Lock _lock = new();
    private readonly string _path = Path.GetFullPath(options.Value.RoutesFile);
    private (ScopeCatalogue Catalogue, FileStamp Stamp)? _current;
    private FileStamp _lastFailure;

    public string RoutesFile => _path;

    public ScopeCatalogue Current
    {
        get
        {
            var stamp = FileStamp.Of(_path);
            var current = _current;
            if (current is { } c && c.Stamp == stamp)
            {
                return c.Catalogue;
            }
            lock (_lock)
            {
                if (_current is { } again && again.Stamp == stamp)
                {
                    return again.Catalogue;
                }
                if (TryRead(stamp, out var catalogue, out var error))
                {
                    _current = (catalogue, stamp);
                    Log.CatalogueReloaded(logger, _path, catalogue.Scopes.Count);
                    return catalogue;
                }
                if (_lastFailure != stamp)
                {
                    _lastFailure = stamp;
                    Log.ReloadFailed(logger, _path, error);
                }
                return _current?.Catalogue ?? throw new InvalidOperationException(StartupMessage(error));
            }
        }
    }

    /// <summary>Loads the catalogue or throws with a message naming the file and the problem: a bad file stops the host.</summary>
    public void Load()
    {
        var stamp = FileStamp.Of(_path);
        if (!TryRead(stamp, out var catalogue, out var error))
        {
            throw new InvalidOperationException(StartupMessage(error));
        }
        lock (_lock)
        {
            _current = (catalogue, stamp);
        }
    }

    private string StartupMessage(string error) =>
        $"Gateway:RoutesFile '{_path}' cannot be used for the scope catalogue: {error}";

    private bool TryRead(FileStamp stamp, out ScopeCatalogue catalogue, out string error)
    {
        catalogue = null!;
        if (!stamp.Exists)
        {
            error = "the file does not exist.";
            return false;
        }
        try
        {
            catalogue = ScopeCatalogue.FromRoutesFile(_path);
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error = ex is System.Text.Json.JsonException or FormatException ? $"it is not valid JSON ({ex.Message})" : ex.Message;
            return false;
        }
    }

    private readonly record struct FileStamp(bool Exists, DateTime LastWriteUtc, long Length)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(true, info.LastWriteTimeUtc, info.Length) : default;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Loaded the scope catalogue from {Path}: {Count} scopes.", EventName = "ScopeCatalogueLoaded")]
        public static partial void CatalogueReloaded(ILogger logger, string path, int count);

        [LoggerMessage(2, LogLevel.Warning, "Could not reload the scope catalogue from {Path}: {Error} The last good catalogue stays in use.", EventName = "ScopeCatalogueReloadFailed")]
        public static partial void ReloadFailed(ILogger logger, string path, string error);
    }
}
