using ApiGateway.AdminApi.Scopes;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys.Routes;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiGateway.AdminApi.Tests.Scopes;

public sealed class ScopeCatalogueSourceTests : IDisposable
{
    private readonly TempDatabase _dir = new();
    private readonly string _path;

    public ScopeCatalogueSourceTests()
    {
        _path = Path.Combine(_dir.Directory.FullName, "routes.json");
        File.WriteAllText(_path, AdminApiFactory.RoutesJson);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Current_FileChanged_ReloadsCatalogue()
    {
        var source = NewSource();
        source.Load();
        Assert.True(source.Current.Allows("contacts:read"));
        Assert.False(source.Current.Allows("billing:read"));

        File.WriteAllText(_path, AdminApiFactory.RoutesJson.Replace("\"contacts\" }", "\"billing\" }", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(_path, DateTime.UtcNow.AddSeconds(5));

        Assert.True(source.Current.Allows("billing:read"));
        Assert.False(source.Current.Allows("contacts:read"));
    }

    [Fact]
    public void Current_FileBrokenOrDeletedAfterStart_KeepsLastGoodCatalogue()
    {
        var source = NewSource();
        source.Load();

        File.WriteAllText(_path, "{ not json");
        File.SetLastWriteTimeUtc(_path, DateTime.UtcNow.AddSeconds(5));
        Assert.True(source.Current.Allows("contacts:read"));

        File.Delete(_path);
        Assert.True(source.Current.Allows("invoices:write"));
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingFile()
    {
        File.Delete(_path);

        var error = Assert.Throws<InvalidOperationException>(() => NewSource().Load());

        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidJson_ThrowsNamingFile()
    {
        File.WriteAllText(_path, "{ \"ReverseProxy\": ");

        var error = Assert.Throws<InvalidOperationException>(() => NewSource().Load());

        Assert.Contains("Gateway:RoutesFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_MissingRoutesFile_FailsWithClearError()
    {
        await using var factory = new AdminApiFactory().With("Gateway:RoutesFile", Path.Combine(_dir.Directory.FullName, "missing.json"));

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("missing.json", error.ToString(), StringComparison.Ordinal);
    }

    private ScopeCatalogueSource NewSource() =>
        new(Options.Create(new RoutesFileOptions { RoutesFile = _path }), NullLogger<ScopeCatalogueSource>.Instance);
}
