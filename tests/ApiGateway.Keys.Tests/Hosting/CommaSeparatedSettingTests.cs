using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.Configuration;

namespace ApiGateway.Keys.Tests.Hosting;

public sealed class CommaSeparatedSettingTests
{
    [Fact]
    public void Read_OneString_SplitsOnCommasTrimmingAndDroppingEmptyEntries()
    {
        var configuration = Configuration(("Gateway:TrustedProxies", " 10.0.0.0/8 ,, 192.168.1.7,"));

        var entries = CommaSeparatedSetting.Read(configuration, "Gateway:TrustedProxies", bound: ["ignored"]);

        Assert.Equal(["10.0.0.0/8", "192.168.1.7"], entries);
    }

    [Fact]
    public void Read_IndexedEntries_KeepsTheBoundList()
    {
        var configuration = Configuration(("Gateway:TrustedProxies:0", "10.0.0.0/8"), ("Gateway:TrustedProxies:1", "::1"));
        List<string> bound = ["10.0.0.0/8", "::1"];

        var entries = CommaSeparatedSetting.Read(configuration, "Gateway:TrustedProxies", bound);

        Assert.Same(bound, entries);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Read_UnsetOrBlank_KeepsTheBoundList(string? value)
    {
        var configuration = Configuration(("Gateway:TrustedProxies", value));
        List<string> bound = ["::1"];

        Assert.Same(bound, CommaSeparatedSetting.Read(configuration, "Gateway:TrustedProxies", bound));
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)))
            .Build();
}
