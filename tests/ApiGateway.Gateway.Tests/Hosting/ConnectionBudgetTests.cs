using ApiGateway.Gateway.Hosting;

namespace ApiGateway.Gateway.Tests.Hosting;

public sealed class ConnectionBudgetTests
{
    [Fact]
    public void Connections_HalfOfWhatIsFreeAfterTheReserve()
    {
        // 1024 − 280 open − 256 reserved = 488 descriptors, two per connection.
        Assert.Equal(244, ConnectionBudget.Connections(1024, openAtStart: 280));
    }

    [Fact]
    public void Connections_UnknownLimit_NoLimit()
    {
        Assert.Null(ConnectionBudget.Connections(null, openAtStart: 280));
    }

    [Fact]
    public void Connections_TinyLimit_NeverBelowTheMinimum()
    {
        Assert.Equal(ConnectionBudget.MinimumConnections, ConnectionBudget.Connections(256, openAtStart: 280));
    }

    [Fact]
    public void PerListenerAndUpgraded_NeverExceedTheBudgetTogether()
    {
        const long budget = 244;
        var upgraded = ConnectionBudget.Upgraded(budget);
        var perListener = ConnectionBudget.PerListener(budget, publicListeners: 2);

        Assert.Equal(61, upgraded);
        Assert.Equal(91, perListener);
        Assert.True(upgraded + (2 * perListener) <= budget);
    }

    [Fact]
    public void ReadOpenFileLimit_ParsesTheSoftLimit()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, [
                "Limit                     Soft Limit           Hard Limit           Units",
                "Max open files            1024                 4096                 files",
            ]);
            Assert.Equal(1024, ConnectionBudget.ReadOpenFileLimit(file));

            File.WriteAllLines(file, ["Max open files            unlimited            unlimited            files"]);
            Assert.Null(ConnectionBudget.ReadOpenFileLimit(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ReadOpenFileLimit_NoSuchFile_Unknown()
    {
        Assert.Null(ConnectionBudget.ReadOpenFileLimit(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
    }

    [Fact]
    public void ListenerCount_LocalhostBindsTwoSockets()
    {
        Assert.Equal(3, new PublicUrls(["http://localhost:8080", "http://0.0.0.0:8443"]).ListenerCount);
    }
}
