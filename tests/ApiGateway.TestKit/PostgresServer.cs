using System.Diagnostics;
using Npgsql;
using Xunit;

namespace ApiGateway.TestKit;

/// <summary>
/// A throwaway PostgreSQL server for tests, shared by a test collection; each test gets its own database from
/// <see cref="CreateDatabaseAsync"/>.
/// <list type="bullet">
/// <item><c>APIGW_TEST_POSTGRES</c> set: that server is used (a connection string whose user may create databases).</item>
/// <item>Otherwise, when Debian's <c>postgresql</c> (or any <c>initdb</c>/<c>pg_ctl</c>) is installed: a private cluster
/// is made with <c>initdb</c> in a temp folder and started with <c>pg_ctl</c>, listening only on a Unix socket in that
/// folder (no TCP port to collide on), as the <c>postgres</c> OS user when we are root. It is stopped and deleted on
/// dispose; clusters left by a test process that died are stopped at the next start.</item>
/// <item>Neither: <see cref="SkipReason"/> says why, and tests skip with it (<c>Assert.SkipWhen</c>); under CI
/// (<c>CI=true</c>) that is a failure instead, because CI installs the package and must run these tests.</item>
/// </list>
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "APIGW_TEST_POSTGRES";
    private const string FolderPrefix = "apigw-pg-";
    private const string OwnerFile = "owner.pid";

    private readonly List<string> _databases = [];
    private DirectoryInfo? _folder;
    private string? _binDirectory;
    private NpgsqlDataSource? _admin;
    private int _next;

    /// <summary>Why Postgres tests cannot run here, or null when they can.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>A connection string to the server's <c>postgres</c> database, as a superuser (or the configured user).</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = NewDatabaseName();
        await using (var command = Admin.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return ConnectionStringFor(name);
    }

    /// <summary>A connection string to a database that does not exist yet (it is dropped on dispose if something creates it).</summary>
    public string ConnectionStringForNewDatabase() => ConnectionStringFor(NewDatabaseName());

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = new NpgsqlConnectionStringBuilder(external) { Database = "postgres" }.ConnectionString;
        }
        else
        {
            _binDirectory = FindBinDirectory();
            if (_binDirectory is null)
            {
                Unavailable($"PostgreSQL is not installed (apt-get install postgresql, or set {EnvironmentVariable} to a server's connection string).");
                return;
            }
            if (Environment.UserName == "root" && !await SucceedsAsync("id", ["-u", "postgres"]))
            {
                Unavailable("Running as root, but there is no 'postgres' OS user to run initdb as (install Debian's postgresql package).");
                return;
            }
            await StopOrphansAsync();
            await StartClusterAsync();
        }
        _admin = NpgsqlDataSource.Create(AdminConnectionString);
        await using var check = Admin.CreateCommand("SELECT 1");
        await check.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            if (_folder is null)
            {
                // A server we do not own: drop what we made there, best effort. On a server with fsync on, the first
                // DROP DATABASE waits for a checkpoint of everything the tests wrote (40 s seen on a busy disk); if it
                // still fails, what is left is named apigw_test_* and the tests' verdict stands.
                NpgsqlConnection.ClearAllPools();
                try
                {
                    foreach (var name in _databases)
                    {
                        await using var drop = _admin.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                        drop.CommandTimeout = 180;
                        await drop.ExecuteNonQueryAsync();
                    }
                }
                catch (NpgsqlException)
                {
                }
            }
            await _admin.DisposeAsync();
        }
        if (_folder is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await RunAsync(Tool("pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], asPostgres: true, throwOnError: false);
            TryDelete(_folder.FullName);
        }
    }

    private NpgsqlDataSource Admin => _admin ?? throw new InvalidOperationException(SkipReason ?? "The server is not started.");

    private string DataDirectory => Path.Combine(_folder!.FullName, "data");

    private string NewDatabaseName()
    {
        var name = $"apigw_test_{Environment.ProcessId}_{Interlocked.Increment(ref _next)}";
        lock (_databases)
        {
            _databases.Add(name);
        }
        return name;
    }

    private string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    private void Unavailable(string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Postgres tests must run in CI: {reason}");
        }
        SkipReason = reason;
    }

    private async Task StartClusterAsync()
    {
        _folder = Directory.CreateTempSubdirectory(FolderPrefix);
        await File.WriteAllTextAsync(Path.Combine(_folder.FullName, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _folder.FullName], asPostgres: false);
        }
        await RunAsync(Tool("initdb"), ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], asPostgres: true);
        // Unix socket only, in our own folder; durability off: this cluster lives as long as the test run.
        var options = $"-c listen_addresses='' -k {_folder.FullName} -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        await RunAsync(Tool("pg_ctl"), ["start", "-D", DataDirectory, "-l", Path.Combine(_folder.FullName, "server.log"), "-w", "-t", "60", "-o", options], asPostgres: true);
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = _folder.FullName,
            Port = 5432,
            Username = "postgres",
            Database = "postgres",
            MaxPoolSize = 200,
        }.ConnectionString;
    }

    /// <summary>Stops clusters whose owning test process is gone (it crashed or was killed before dispose).</summary>
    private async Task StopOrphansAsync()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var owner = Path.Combine(folder, OwnerFile);
            if (!File.Exists(owner) || !int.TryParse(await File.ReadAllTextAsync(owner), out var pid) || IsRunning(pid))
            {
                continue;
            }
            if (File.Exists(Path.Combine(folder, "data", "postmaster.pid")))
            {
                await RunAsync(Tool("pg_ctl"), ["stop", "-D", Path.Combine(folder, "data"), "-m", "immediate", "-w"], asPostgres: true, throwOnError: false);
            }
            TryDelete(folder);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private string Tool(string name) => Path.Combine(_binDirectory!, name);

    private static string? FindBinDirectory()
    {
        // Debian keeps the server binaries out of PATH, one folder per major version: take the newest.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => HasServerTools(d.Dir))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasServerTools);
    }

    // A symlink whose package was removed (some images link the tools into /usr/local/bin) does not count.
    private static bool HasServerTools(string directory) =>
        new[] { "initdb", "pg_ctl", "postgres" }.All(tool =>
        {
            var file = new FileInfo(Path.Combine(directory, tool));
            return file.Exists && (file.LinkTarget is null || file.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true });
        });

    private static async Task<bool> SucceedsAsync(string file, string[] arguments) =>
        await RunAsync(file, arguments, asPostgres: false, throwOnError: false) == 0;

    private static async Task<int> RunAsync(string file, string[] arguments, bool asPostgres, bool throwOnError = true)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres && Environment.UserName == "root")
        {
            // initdb and postgres refuse to run as root.
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", file, .. arguments])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = file;
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
        return process.ExitCode;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner gets it later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
