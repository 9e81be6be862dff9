using ApiGateway.Gateway.Proxy;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// The routes file as a configuration source, on a real file and its real watcher: only the <c>ReverseProxy</c> keys,
/// a bad file fatal at start but ignored on reload (the last good routes keep serving), and the same good content after
/// a refused reload announced again so that whoever reported the failure learns the file is fine.
/// </summary>
public sealed class RoutesFileConfigurationProviderTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private const string Good = """
        {
          "Logging": { "LogLevel": { "Default": "Debug" } },
          "ReverseProxy": {
            "Routes": { "contacts": { "ClusterId": "main", "Match": { "Path": "/v1/contacts/{**rest}" } } },
            "Clusters": { "main": { "Destinations": { "d1": { "Address": "http://127.0.0.1:5000" } } } }
          }
        }
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("routes-provider-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string PathOf => System.IO.Path.Combine(_dir.FullName, "routes.json");

    /// <summary>Replaces the file atomically (write aside, then rename), as a deploy tool would.</summary>
    private void Write(string json)
    {
        var temp = PathOf + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, PathOf, overwrite: true);
    }

    [Fact]
    public void Load_OnlyTheReverseProxyKeys()
    {
        Write(Good);
        using var provider = new RoutesFileConfigurationProvider(PathOf);

        provider.Load();

        Assert.True(provider.TryGet("ReverseProxy:Routes:contacts:ClusterId", out var cluster));
        Assert.Equal("main", cluster);
        Assert.False(provider.TryGet("Logging:LogLevel:Default", out _));
        Assert.All(provider.Snapshot(), p => Assert.StartsWith("ReverseProxy:", p.Key, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("""{ "ReverseProxy": { "Clusters": { "main": { "Destinations": { "d1": { "Address": "http://127.0.0.1:5000" } } } } } }""")]
    [InlineData("""{ "ReverseProxy": { "Routes": """)]
    public void Load_NoRoutesOrNotJson_FailsNamingTheFile(string json)
    {
        Write(json);
        using var provider = new RoutesFileConfigurationProvider(PathOf);

        var error = Assert.Throws<InvalidOperationException>(provider.Load);

        Assert.Contains(PathOf, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_BadFileThenTheSameGoodOne_FailureRaisedRoutesKeptAndRecoveryAnnounced()
    {
        Write(Good);
        using var provider = new RoutesFileConfigurationProvider(PathOf);
        provider.Load();
        var before = provider.Snapshot();
        var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.ReloadFailed += (path, _) => failed.TrySetResult(path);
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = provider.GetReloadToken().RegisterChangeCallback(_ => reloaded.TrySetResult(), null);

        Write("{ not json");
        Assert.Equal(PathOf, await failed.Task.WaitAsync(Deadline, Ct));

        Assert.NotNull(provider.LastError);
        Assert.Equal(before, provider.Snapshot());
        Assert.False(reloaded.Task.IsCompleted);

        Write(Good); // the very content it had: news all the same after a failure
        await reloaded.Task.WaitAsync(Deadline, Ct);
        Assert.Null(provider.LastError);
        Assert.Equal(before, provider.Snapshot());
    }

    [Fact]
    public async Task Reload_ChangedRoutes_NewDataAndOneReload()
    {
        Write(Good);
        using var provider = new RoutesFileConfigurationProvider(PathOf);
        provider.Load();
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = provider.GetReloadToken().RegisterChangeCallback(_ => reloaded.TrySetResult(), null);

        Write(Good.Replace("/v1/contacts/{**rest}", "/v2/contacts/{**rest}", StringComparison.Ordinal));
        await reloaded.Task.WaitAsync(Deadline, Ct);

        Assert.True(provider.TryGet("ReverseProxy:Routes:contacts:Match:Path", out var path));
        Assert.Equal("/v2/contacts/{**rest}", path);
    }
}
