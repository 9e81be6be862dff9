using ApiGateway.AdminApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ApiGateway.AdminApi.Tests.Hosting;

public sealed class ListenAddressExtensionsTests
{
    [Fact]
    public void UseDefaultUrlsUnlessConfigured_NothingConfigured_ListensOnLoopback8081()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration["urls"] = null;

        builder.UseDefaultUrlsUnlessConfigured();

        Assert.Equal("http://127.0.0.1:8081", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Theory]
    [InlineData("http://0.0.0.0:9000")]
    [InlineData("http://127.0.0.1:18081;http://[::1]:18081")]
    public void UseDefaultUrlsUnlessConfigured_UrlsConfigured_KeepsThem(string urls)
    {
        // ASPNETCORE_URLS and Urls both arrive as the "urls" key.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [$"--urls={urls}"] });

        builder.UseDefaultUrlsUnlessConfigured();

        Assert.Equal(urls, builder.Configuration["urls"]);
        Assert.Equal(urls, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void ShippedAppSettings_HaveNoUrls_SoAspNetCoreUrlsIsNotOverridden()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        Assert.True(File.Exists(shipped), shipped);
        Assert.DoesNotContain("\"Urls\"", File.ReadAllText(shipped), StringComparison.OrdinalIgnoreCase);
    }
}
