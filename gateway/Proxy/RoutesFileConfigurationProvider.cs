using ApiGateway.Keys.Routes;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Reads the routes file's <c>ReverseProxy</c> keys and watches the file. The first read throws (a bad file at start
/// is fatal); later reads that fail keep the current data and raise <see cref="ReloadFailed"/>. Changes are
/// debounced, so an editor's several writes make one reload.
/// </summary>
internal sealed class RoutesFileConfigurationProvider : ConfigurationProvider, IDisposable
{
    private const string SectionPrefix = "ReverseProxy:";
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);

    private readonly string _path;
    private readonly PhysicalFileProvider _files;
    private readonly IDisposable _watch;
    private readonly Timer _debounce;
    private readonly Lock _reloadLock = new();

    public RoutesFileConfigurationProvider(string path)
    {
        _path = path;
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        _files = new PhysicalFileProvider(directory);
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        _watch = ChangeToken.OnChange(() => _files.Watch(System.IO.Path.GetFileName(path)), () => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan));
    }

    /// <summary>A reload was refused; the previous routes keep serving.</summary>
    public event Action<string, Exception>? ReloadFailed;

    /// <summary>The last refused reload, if the latest attempt failed (kept for a listener that subscribes late).</summary>
    public Exception? LastError { get; private set; }

    public string FilePath => _path;

    /// <summary>The routes last read (the <c>ReverseProxy:</c> keys), copied: what a reader outside configuration builds from.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Snapshot()
    {
        lock (_reloadLock)
        {
            return [.. Data];
        }
    }

    public override void Load()
    {
        try
        {
            Data = Read(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"Cannot load the routes file '{_path}': {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        _debounce.Dispose();
        _files.Dispose();
    }

    private void Reload()
    {
        lock (_reloadLock)
        {
            Dictionary<string, string?> data;
            try
            {
                data = Read(_path);
            }
            catch (Exception ex)
            {
                LastError = ex;
                ReloadFailed?.Invoke(_path, ex);
                return;
            }
            // After a refused reload, the same good content again is news too: listeners that reported the failure
            // (the shadow routes' /readyz state) learn the file is fine again.
            var recovered = LastError is not null;
            LastError = null;
            if (!recovered && data.Count == Data.Count && data.All(p => Data.TryGetValue(p.Key, out var v) && v == p.Value))
            {
                return;
            }
            Data = data;
            OnReload();
        }
    }

    private static Dictionary<string, string?> Read(string path)
    {
        var root = RoutesFile.Read(path);
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in root.AsEnumerable())
        {
            if (key.StartsWith(SectionPrefix, StringComparison.OrdinalIgnoreCase))
            {
                data[key] = value;
            }
        }
        if (!root.GetSection("ReverseProxy:Routes").GetChildren().Any())
        {
            throw new InvalidDataException("The file has no 'ReverseProxy:Routes' section.");
        }
        return data;
    }
}
