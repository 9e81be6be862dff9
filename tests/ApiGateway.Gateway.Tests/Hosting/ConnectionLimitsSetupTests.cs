using ApiGateway.Gateway.Hosting;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tests.Hosting;

public sealed class ConnectionLimitsSetupTests : IDisposable
{
    private readonly CapturedLogs _logs = new();

    public void Dispose() => _logs.Dispose();

    private KestrelServerOptions Configure(ConnectionLimitsOptions limits)
    {
        var kestrel = new KestrelServerOptions();
        new ConnectionLimitsSetup(Options.Create(limits), new PublicUrls(["http://0.0.0.0:8080"]), _logs.CreateLogger<ConnectionLimitsSetup>()).Configure(kestrel);
        return kestrel;
    }

    [Fact]
    public void Configure_ExplicitLimits_AppliedAsSetAndSaidOnce()
    {
        var kestrel = Configure(new ConnectionLimitsOptions
        {
            MaxConcurrentConnections = 500, MaxConcurrentUpgradedConnections = 50, RequestHeadersTimeoutSeconds = 7, MinRequestBodyBytesPerSecond = 100,
        });

        Assert.Equal(500, kestrel.Limits.MaxConcurrentConnections);
        Assert.Equal(50, kestrel.Limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(TimeSpan.FromSeconds(7), kestrel.Limits.RequestHeadersTimeout);
        Assert.Equal(100, kestrel.Limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), kestrel.Limits.MinRequestBodyDataRate.GracePeriod);
        var line = Assert.Single(_logs.Lines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("Connection limits: 500 per public listener, 50 upgraded;", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configure_MinimumBodyRateZero_NoBodyRateEnforced()
    {
        var kestrel = Configure(new ConnectionLimitsOptions { MaxConcurrentConnections = 10, MaxConcurrentUpgradedConnections = 1, MinRequestBodyBytesPerSecond = 0 });

        Assert.Null(kestrel.Limits.MinRequestBodyDataRate);
    }

    [Fact]
    public void Configure_Unset_DerivedFromTheOpenFileLimit()
    {
        var kestrel = Configure(new ConnectionLimitsOptions());
        var budget = ConnectionBudget.Connections(ConnectionBudget.ReadOpenFileLimit(), ConnectionBudget.CountOpenDescriptors());

        // Derived only where the process has an open-file limit to derive from (Linux); never "unlimited" there.
        Assert.Equal(budget is null, kestrel.Limits.MaxConcurrentConnections is null);
        Assert.Equal(budget is null, kestrel.Limits.MaxConcurrentUpgradedConnections is null);
    }
}
