using ApiGateway.Keys.Routes;
using ApiGateway.TestKit;

namespace ApiGateway.Keys.Tests.Routes;

public sealed class RoutesFileTests : IDisposable
{
    private readonly TempDatabase _file = new("routes.json");

    public void Dispose() => _file.Dispose();

    [Fact]
    public void Read_Json_IsConfigurationWithNamesInAnyCase()
    {
        File.WriteAllText(_file.Path, """
            // comments and trailing commas, as in appsettings.json
            { "ReverseProxy": { "Routes": { "r": { "Metadata": { "Scopes": "a:read", "Weight": 5, }, }, }, }, }
            """);

        var root = RoutesFile.Read(_file.Path);

        Assert.Equal("a:read", root["reverseproxy:routes:r:metadata:scopes"]);
        Assert.Equal("5", root["ReverseProxy:Routes:r:Metadata:Weight"]);
    }

    [Fact]
    public void Read_EmptyFile_ThrowsInvalidData()
    {
        File.WriteAllText(_file.Path, "");

        Assert.Throws<InvalidDataException>(() => RoutesFile.Read(_file.Path));
    }

    [Fact]
    public void Read_NotJson_ThrowsAJsonOrFormatError()
    {
        File.WriteAllText(_file.Path, "{ \"ReverseProxy\": ");

        var error = Assert.ThrowsAny<Exception>(() => RoutesFile.Read(_file.Path));

        Assert.True(error is System.Text.Json.JsonException or FormatException, error.GetType().Name);
    }

    [Fact]
    public void Read_FileOpenForWriting_StillReads()
    {
        File.WriteAllText(_file.Path, """{ "ReverseProxy": { "Routes": {} } }""");
        using var writer = new FileStream(_file.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);

        Assert.NotNull(RoutesFile.Read(_file.Path));
    }
}
