using ApiGateway.Keys.Format;

namespace ApiGateway.Keys.Tests.Format;

public sealed class KeyModeTests
{
    [Theory]
    [InlineData(KeyMode.Live, "live")]
    [InlineData(KeyMode.Test, "test")]
    [InlineData(KeyMode.Admin, "admin")]
    public void ToWire_TryParse_RoundTrip(KeyMode mode, string wire)
    {
        Assert.Equal(wire, mode.ToWire());
        Assert.True(KeyModeNames.TryParse(wire, out var parsed));
        Assert.Equal(mode, parsed);
    }

    [Theory]
    [InlineData("Live")]
    [InlineData("")]
    [InlineData("sandbox")]
    public void TryParse_Unknown_False(string text)
    {
        Assert.False(KeyModeNames.TryParse(text, out _));
    }
}
