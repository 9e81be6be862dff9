using ApiGateway.Keys.Hosting;
using ApiGateway.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ApiGateway.Keys.Tests.Hosting;

public sealed class AppSettingsBesideBinaryExtensionsTests : IDisposable
{
    private readonly TempDatabase _workingDirectory = new();
    private readonly TempDatabase _binaryDirectory = new();

    public void Dispose()
    {
        _workingDirectory.Dispose();
        _binaryDirectory.Dispose();
    }

    [Fact]
    public void UseAppSettingsBeside_NoneInTheWorkingDirectory_ReadsTheShippedOne()
    {
        Write(_binaryDirectory, """{ "Logging": { "LogLevel": { "Yarp": "Warning" } } }""");
        var builder = Builder();

        builder.UseAppSettingsBeside(_binaryDirectory.Directory.FullName);

        Assert.Equal("Warning", builder.Configuration["Logging:LogLevel:Yarp"]);
    }

    [Fact]
    public void UseAppSettingsBeside_OneInTheWorkingDirectory_KeepsIt()
    {
        Write(_binaryDirectory, """{ "Setting": "shipped" }""");
        Write(_workingDirectory, """{ "Setting": "local" }""");
        var builder = Builder();

        builder.UseAppSettingsBeside(_binaryDirectory.Directory.FullName);

        Assert.Equal("local", builder.Configuration["Setting"]);
    }

    [Fact]
    public void UseAppSettingsBeside_LaterSources_StillOverrideTheShippedFile()
    {
        Write(_binaryDirectory, """{ "Setting": "shipped", "Other": "shipped" }""");
        var builder = Builder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Setting"] = "environment" });

        builder.UseAppSettingsBeside(_binaryDirectory.Directory.FullName);

        Assert.Equal("environment", builder.Configuration["Setting"]);
        Assert.Equal("shipped", builder.Configuration["Other"]);
    }

    private HostApplicationBuilder Builder() =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _workingDirectory.Directory.FullName });

    private static void Write(TempDatabase directory, string json) =>
        File.WriteAllText(Path.Combine(directory.Directory.FullName, "appsettings.json"), json);
}
