using ApiGateway.AdminApi.WebConsole;

namespace ApiGateway.AdminApi.Tests.WebConsole;

public sealed class ConsoleFormatTests
{
    [Fact]
    public void Details_UpdatedEvent_ShowsClearedValuesAsNoneAndHidesOtherNulls()
    {
        var details = ConsoleFormat.Details("""
            {"fields":["expiresAt","rateLimit"],"expiresAtBefore":"2026-01-04T00:00:00.000Z","expiresAtAfter":null,
             "rateLimitBefore":null,"rateLimitAfter":{"limit":5,"periodSeconds":6},"owner":null}
            """);

        Assert.Equal(
            [
                new("fields", "expiresAt, rateLimit"),
                new("expiresAtBefore", "2026-01-04T00:00:00.000Z"),
                new("expiresAtAfter", "none"),
                new("rateLimitBefore", "none"),
                new KeyValuePair<string, string>("rateLimitAfter", """{"limit":5,"periodSeconds":6}"""),
            ],
            details);
    }
}
