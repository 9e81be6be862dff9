using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.RateLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>appsettings.example.json documents each entry with a "//Name" sibling; copied as-is into a real
/// appsettings.json, those documentation entries must not become tiers (and so stop the gateway at start).</summary>
public sealed class RateLimitsExampleSettingsTests
{
    [Fact]
    public void AddKeyRateLimits_ExampleSettingsFile_BindsTheDocumentedTiersOnly()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonFile(ExampleSettingsPath());
        builder.AddKeyRateLimits();
        using var services = builder.Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<RateLimitsOptions>>().Value;

        Assert.Equal(["enterprise", "free", "pro"], options.Tiers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(100, options.Tiers["free"].Limit);
    }

    private static string ExampleSettingsPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "appsettings.example.json");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "ApiGateway.sln")))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("appsettings.example.json not found above the test binaries.");
    }
}
