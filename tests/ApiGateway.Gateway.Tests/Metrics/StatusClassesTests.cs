using ApiGateway.Gateway.Metrics;

namespace ApiGateway.Gateway.Tests.Metrics;

public sealed class StatusClassesTests
{
    [Theory]
    [InlineData(101, "1xx")]
    [InlineData(200, "2xx")]
    [InlineData(204, "2xx")]
    [InlineData(301, "3xx")]
    [InlineData(400, "4xx")]
    [InlineData(401, "4xx")]
    [InlineData(429, "4xx")]
    [InlineData(499, "4xx")]
    [InlineData(500, "5xx")]
    [InlineData(503, "5xx")]
    [InlineData(599, "5xx")]
    [InlineData(0, "5xx")]
    [InlineData(600, "5xx")]
    public void Of_StatusCode_ReturnsClass(int status, string expected) => Assert.Equal(expected, StatusClasses.Of(status));

    [Fact]
    public void Of_SameClass_ReturnsCachedString() => Assert.Same(StatusClasses.Of(200), StatusClasses.Of(299));
}
