using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.IdentityToken;

/// <summary>
/// Holds the <see cref="SigningKeySet"/> in force. Loaded at start (before the listeners open): the files of
/// <c>Gateway:IdentityToken:SigningKeyFiles</c>, else the gateway's own <c>data/identity-signing-key.pem</c>, created
/// once. The listed files are reread every <see cref="RereadInterval"/>, so a rotation is done by replacing file
/// contents (any way: rename, copy, a mounted secret's symlink swap); a file that cannot be read keeps the last good
/// set. The list itself is read at start (changing it needs a restart).
/// </summary>
internal sealed partial class SigningKeys(IOptions<IdentityTokenOptions> options, TimeProvider time, ILogger<SigningKeys> logger)
    : IHostedService, IDisposable
{
    public static readonly TimeSpan RereadInterval = TimeSpan.FromSeconds(5);

    private readonly IdentityTokenOptions _options = options.Value;
    private readonly Lock _rereadLock = new();
    private volatile SigningKeySet? _set;
    private string[] _lastContents = [];
    private string? _lastError;
    private ITimer? _timer;

    /// <summary>The keys in force; only after start.</summary>
    public SigningKeySet Set => _set ?? throw new InvalidOperationException("The identity-token signing keys are not loaded yet.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        if (_options.SigningKeyFiles.Count == 0)
        {
            var (key, created) = await SigningKeyFile.LoadOrCreateAsync(IdentityTokenOptions.GeneratedKeyFile, time, cancellationToken);
            _set = new SigningKeySet([key]);
            Log.OwnKey(logger, Path.GetFullPath(IdentityTokenOptions.GeneratedKeyFile), created ? "created" : "loaded", key.KeyId);
            return;
        }
        var contents = ReadContents();
        _set = Parse(contents);
        _lastContents = contents;
        Log.Loaded(logger, _set.Keys.Count, _set.Current.KeyId);
        _timer = time.CreateTimer(_ => Reread(), null, RereadInterval, RereadInterval);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Rereads the listed files; applies them when they changed and all parse, else keeps the current set.</summary>
    internal void Reread()
    {
        lock (_rereadLock)
        {
            try
            {
                var contents = ReadContents();
                if (contents.SequenceEqual(_lastContents, StringComparer.Ordinal))
                {
                    return;
                }
                var set = Parse(contents);
                _lastContents = contents;
                _lastError = null;
                if (_set is { } current && set.SameKeysAs(current))
                {
                    return;
                }
                _set = set;
                Log.Reloaded(logger, set.Keys.Count, set.Current.KeyId);
            }
            catch (InvalidDataException ex)
            {
                // Logged once per distinct problem, not every interval while an operator is mid-rotation.
                if (ex.Message != _lastError)
                {
                    _lastError = ex.Message;
                    Log.RereadFailed(logger, ex.Message);
                }
            }
        }
    }

    private string[] ReadContents()
    {
        var contents = new string[_options.SigningKeyFiles.Count];
        for (var i = 0; i < contents.Length; i++)
        {
            var path = _options.SigningKeyFiles[i];
            try
            {
                contents[i] = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidDataException($"cannot read '{path}': {ex.Message}", ex);
            }
        }
        return contents;
    }

    private SigningKeySet Parse(string[] contents) =>
        new([.. contents.Select((pem, i) => SigningKeyFile.Parse(pem, _options.SigningKeyFiles[i]))]);

    private static partial class Log
    {
        [LoggerMessage(EventIds.IdentitySigningKeysLoaded, LogLevel.Information, "Identity tokens: {Count} signing key(s) loaded; signing with kid {KeyId}.", EventName = nameof(EventIds.IdentitySigningKeysLoaded))]
        public static partial void Loaded(ILogger logger, int count, string keyId);

        [LoggerMessage(EventIds.IdentitySigningKeyOwn, LogLevel.Information, "Identity tokens: own signing key {Path} {Action}; signing with kid {KeyId}.", EventName = nameof(EventIds.IdentitySigningKeyOwn))]
        public static partial void OwnKey(ILogger logger, string path, string action, string keyId);

        [LoggerMessage(EventIds.IdentitySigningKeysReloaded, LogLevel.Information, "Identity tokens: signing key files changed; {Count} key(s) published, now signing with kid {KeyId}.", EventName = nameof(EventIds.IdentitySigningKeysReloaded))]
        public static partial void Reloaded(ILogger logger, int count, string keyId);

        [LoggerMessage(EventIds.IdentitySigningKeysRereadFailed, LogLevel.Error, "Identity tokens: signing key files changed but cannot be used; keeping the current keys: {Reason}", EventName = nameof(EventIds.IdentitySigningKeysRereadFailed))]
        public static partial void RereadFailed(ILogger logger, string reason);
    }
}
