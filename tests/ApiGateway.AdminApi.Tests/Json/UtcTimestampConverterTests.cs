using System.Text.Json;
using ApiGateway.AdminApi.Json;

namespace ApiGateway.AdminApi.Tests.Json;

public sealed class UtcTimestampConverterTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new UtcTimestampConverter() } };

    [Fact]
    public void Write_AnyOffset_WritesUtcWithMillisecondsAndZ()
    {
        var time = new DateTimeOffset(2026, 3, 4, 7, 8, 9, 123, TimeSpan.FromHours(2));

        Assert.Equal("\"2026-03-04T05:08:09.123Z\"", JsonSerializer.Serialize(time, Options));
        Assert.Equal("null", JsonSerializer.Serialize<DateTimeOffset?>(null, Options));
    }

    [Theory]
    [InlineData("\"2026-03-04T05:08:09Z\"")]
    [InlineData("\"2026-03-04T07:08:09+02:00\"")]
    [InlineData("\"2026-03-04T05:08:09\"")]
    [InlineData("\"2026-03-04T05:08:09.000Z\"")]
    public void Read_Iso8601_NormalisesToUtc(string json)
    {
        var time = JsonSerializer.Deserialize<DateTimeOffset>(json, Options);

        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 8, 9, TimeSpan.Zero), time);
        Assert.Equal(TimeSpan.Zero, time.Offset);
    }

    [Theory]
    [InlineData("\"tomorrow\"")]
    [InlineData("\"04/03/2026\"")]
    [InlineData("12345")]
    public void Read_NotIso8601_Throws(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>(json, Options));
    }
}
