using ApiGateway.Gateway.Proxy;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Gateway.Tests.Proxy;

public sealed class RoutesFileMonitorTests : IDisposable
{
    private readonly CapturedLogs _logs = new();

    public void Dispose() => _logs.Dispose();

    private RoutesFileMonitor Monitor() =>
        new(new RoutesFileConfigurationSource(null), _logs.CreateLogger<RoutesFileMonitor>());

    [Fact]
    public void Loaded_OnlyAfterYarpAppliedAConfig()
    {
        var monitor = Monitor();

        Assert.False(monitor.Loaded);
        monitor.ConfigurationApplied([]);
        Assert.True(monitor.Loaded);
    }

    [Fact]
    public void ConfigurationApplyingFailed_EveryValidationErrorLoggedOnItsOwnLineThenOneRejectionCounted()
    {
        var monitor = Monitor();
        var refused = new AggregateException(
            new InvalidOperationException("Route 'a': bad scope", new ArgumentException("Scopes.POST")),
            new ArgumentException("Route 'b': no cluster"));

        monitor.ConfigurationApplyingFailed([], refused);

        Assert.Equal(1, monitor.Rejected);
        var lines = _logs.Lines.Where(l => l.Level == LogLevel.Error).Select(l => l.Message).ToList();
        Assert.Equal(2, lines.Count);
        Assert.EndsWith("keeping the last good routes: Scopes.POST", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("keeping the last good routes: Route 'b': no cluster", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void LogInvalidAtStart_ErrorsCriticalNamingTheFile()
    {
        RoutesFileMonitor.LogInvalidAtStart(_logs.CreateLogger("start"), "/etc/routes.json", new InvalidOperationException("Route 'x': bad"));

        var line = Assert.Single(_logs.Lines);
        Assert.Equal(LogLevel.Critical, line.Level);
        Assert.Contains("'/etc/routes.json'", line.Message, StringComparison.Ordinal);
        Assert.Contains("Route 'x': bad", line.Message, StringComparison.Ordinal);
    }
}
