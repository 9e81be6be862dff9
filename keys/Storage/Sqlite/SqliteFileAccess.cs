namespace ApiGateway.Keys.Storage.Sqlite;

/// <summary>
/// Keeps the database private to the user the processes run as (docs/security.md "Files on disk"): directories it
/// creates are 0700 and the database file 0600. SQLite gives its -wal, -shm and -journal files the mode of the
/// database file, so those follow, whenever they are created. Either process may be first; nothing here on Windows.
/// </summary>
internal static class SqliteFileAccess
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupAndOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly string[] CompanionSuffixes = ["-wal", "-shm", "-journal"];

    public static void Prepare(string databasePath, bool createFile)
    {
        var path = Path.GetFullPath(databasePath);
        var directory = Path.GetDirectoryName(path);
        if (OperatingSystem.IsWindows())
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
            return;
        }
        if (!string.IsNullOrEmpty(directory))
        {
            // Only directories made here get 0700 (each missing level: CreateDirectory's mode covers the last one only);
            // an existing one is the operator's choice (it may be shared).
            var missing = new Stack<string>();
            for (var level = directory; !string.IsNullOrEmpty(level) && !Directory.Exists(level); level = Path.GetDirectoryName(level))
            {
                missing.Push(level);
            }
            foreach (var level in missing)
            {
                Directory.CreateDirectory(level, PrivateDirectory);
            }
        }
        // O_CREAT with 0600: atomic, so two processes starting together both end with a private file.
        if (createFile)
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite | FileShare.Delete, UnixCreateMode = PrivateFile });
        }
        // A file an earlier version (or another umask) left readable by others is narrowed, companions included.
        foreach (var file in CompanionSuffixes.Select(s => path + s).Prepend(path).Where(File.Exists))
        {
            var mode = File.GetUnixFileMode(file);
            if ((mode & GroupAndOther) != 0)
            {
                TryNarrow(file, mode & ~GroupAndOther);
            }
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void TryNarrow(string file, UnixFileMode mode)
    {
        try
        {
            File.SetUnixFileMode(file, mode);
        }
        catch (UnauthorizedAccessException)
        {
            // Owned by another user, who chose its mode; this process can still use it as that mode allows.
        }
    }
}
