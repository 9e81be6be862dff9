using System.Net;
using ApiGateway.Gateway.Proxy;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>A dead upstream: 502 problems, then the cluster's circuit opens (fast 503), then it recovers.</summary>
public sealed class UpstreamFaultsMiddlewareTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forward_UpstreamKilled_502ThenOpenCircuit503ThenRecovers()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using (var ok = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await factory.Upstream.StopAsync();
        using (var first = await client.GetAsync("/v1/contacts/1", Ct))
        {
            await ProblemAssert.HasAsync(first, 502, "Bad gateway", "bad-gateway");
        }
        HttpResponseMessage? open = null;
        for (var i = 0; i < 2 * UpstreamCircuitBreakers.MinimumThroughput && open is null; i++)
        {
            var response = await client.GetAsync("/v1/contacts/1", Ct);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                open = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
                response.Dispose();
            }
        }
        Assert.NotNull(open);
        using (open)
        {
            await ProblemAssert.HasAsync(open, 503, "Upstream unavailable", "upstream-unavailable");
        }

        // Back up, and the break duration passes: the trial request goes through and closes the circuit.
        await factory.Upstream.StartAsync(Ct);
        factory.Clock.Advance(UpstreamCircuitBreakers.BreakDuration);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            using var response = await client.GetAsync("/v1/contacts/1", Ct);
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
