using System.Net;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>The admin API as shipped listens on loopback only: it is an operator tool, never the public edge.</summary>
public sealed class AdminExposureTests
{
    [Fact]
    public void ShippedAppSettings_ListensOnLoopbackOnly()
    {
        var settings = Path.Combine(Path.GetDirectoryName(AdminApiProcess.AdminApiDll)!, "appsettings.json");
        using var json = JsonDocument.Parse(File.ReadAllText(settings));
        var urls = json.RootElement.GetProperty("Urls").GetString()!;

        Assert.Equal("http://127.0.0.1:8081", urls);
        foreach (var url in urls.Split(';'))
        {
            Assert.True(IPAddress.IsLoopback(IPAddress.Parse(new Uri(url).Host)), url);
        }
    }
}
