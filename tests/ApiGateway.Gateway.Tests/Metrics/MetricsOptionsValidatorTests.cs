using ApiGateway.Gateway.Metrics;
using ApiGateway.Keys;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tests.Metrics;

public sealed class MetricsOptionsValidatorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100_001)]
    public void Validate_MaxKeyLabelsOutOfRange_Fails(int max)
    {
        var result = new MetricsOptionsValidator().Validate(null, new MetricsOptions { MaxKeyLabels = max });

        Assert.True(result.Failed);
        Assert.Contains(nameof(MetricsOptions.MaxKeyLabels), result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Default_Succeeds() => Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions()).Succeeded);

    [Theory]
    [InlineData("Metrics:MaxKeyLabels", "0")]
    [InlineData("Usage:FlushSeconds", "0")]
    [InlineData("Usage:FlushSeconds", "61")]
    public async Task Start_SettingOutOfRange_HostRefusesToStart(string setting, string value)
    {
        using var database = new TempDatabase();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:KeyStore"] = database.ConnectionString;
        builder.Configuration[setting] = value;
        builder.Services.AddKeyStore(builder.Configuration);
        builder.AddGatewayTelemetry();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(setting.Split(':')[1], error.Message, StringComparison.Ordinal);
    }
}
