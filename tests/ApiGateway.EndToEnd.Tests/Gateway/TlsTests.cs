using System.Net;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// HTTPS at the gateway, configured each of the two standard Kestrel ways (docs/tls.md), on a real process with a
/// certificate generated here: the public port speaks TLS (HTTP/1.1 and HTTP/2), the internal port still answers, and
/// a certificate replaced on disk is served to new connections without a restart.
/// </summary>
public sealed class TlsTests
{
    [Theory]
    [InlineData("Urls")]
    [InlineData("Kestrel:Endpoints")]
    public async Task Https_EitherWay_PublicAndInternalPortsAnswerAndRenewalNeedsNoRestart(string way)
    {
        var ct = TestContext.Current.CancellationToken;
        var certificates = Directory.CreateTempSubdirectory("gateway-tls-");
        using var first = TestCertificate.Create("gateway-first");
        using var renewed = TestCertificate.Create("gateway-renewed");
        var pfx = Path.Combine(certificates.FullName, "gateway.pfx");
        first.WritePfx(pfx);
        try
        {
            await using var upstream = new UpstreamServer();
            await upstream.StartAsync(ct);
            var https = new Uri($"https://127.0.0.1:{FreePort.Next()}");
            var settings = way == "Urls"
                ? new Dictionary<string, string>
                {
                    ["ASPNETCORE_URLS"] = https.GetLeftPart(UriPartial.Authority),
                    ["Kestrel__Certificates__Default__Path"] = pfx,
                    ["Kestrel__Certificates__Default__Password"] = TestCertificate.Password,
                }
                : new Dictionary<string, string>
                {
                    // ASPNETCORE_URLS stays set (plain http, another port): Kestrel:Endpoints take precedence over it.
                    ["Kestrel__Endpoints__Https__Url"] = https.GetLeftPart(UriPartial.Authority),
                    ["Kestrel__Endpoints__Https__Certificate__Path"] = pfx,
                    ["Kestrel__Endpoints__Https__Certificate__Password"] = TestCertificate.Password,
                };
            await using var gateway = await GatewayProcess.StartAsync(
                RoutesFile.SingleRoute(EchoGateway.Route, "/v1/echo", EchoGateway.Scope, upstream.BaseAddress), settings, ct);
            var key = await gateway.Keys.MintAsync([EchoGateway.Scope], cancellationToken: ct);

            using (var internalClient = gateway.CreateInternalClient())
            {
                using var ready = await internalClient.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
                Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{way}: /readyz {ready.StatusCode}. {gateway.Process.Describe()}");
            }

            var presented = new List<string>();
            using var client = TestCertificate.CreateClient(https, [first, renewed], t =>
            {
                lock (presented)
                {
                    presented.Add(t);
                }
            });
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key.Plaintext}");
            foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/echo/tls") { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
                using var response = await client.SendAsync(request, ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{way}, HTTP/{version}: {response.StatusCode}. {gateway.Process.Describe()}");
                Assert.Equal(version, response.Version);
            }
            Assert.Equal(first.Thumbprint, presented[^1]);
            Assert.Equal(2, upstream.Received.Count(r => r.Path == "/v1/echo/tls"));

            // Renewal: a new certificate renamed into place is what new connections get, with no restart.
            renewed.WritePfx(pfx);
            var served = await Poll.UntilAsync(
                async token =>
                {
                    using var response = await client.GetAsync(new Uri("/v1/echo/renewed", UriKind.Relative), token);
                    lock (presented)
                    {
                        return presented[^1];
                    }
                },
                t => t == renewed.Thumbprint,
                TimeSpan.FromSeconds(30),
                ct);
            Assert.True(served == renewed.Thumbprint, $"{way}: still serving the old certificate 30 s after renewal. {gateway.Process.Describe()}");
            Assert.False(gateway.Process.HasExited, gateway.Process.Describe());
        }
        finally
        {
            certificates.Delete(recursive: true);
        }
    }
}
