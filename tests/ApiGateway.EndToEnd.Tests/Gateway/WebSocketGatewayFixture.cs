using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// A gateway process serving HTTPS (a generated certificate, so clients negotiate HTTP/1.1 or HTTP/2 by ALPN) and plain HTTP in front of a
/// real Kestrel WebSocket upstream, with the admin API beside it. Routes: <c>/v1/ws</c> allows WebSockets and maps only
/// GET (<c>ws:read</c>), and so does <c>/v1/wsget</c>, whose YARP match allows only GET; <c>/v1/plain</c> needs the same scope but does not allow WebSockets; <c>/v1/other</c> needs
/// <see cref="OtherScope"/>; <c>/v1/open</c> is public.
/// </summary>
public sealed class WebSocketGatewayFixture : IAsyncLifetime
{
    public const string Scope = "ws:read";

    /// <summary>A scope of the catalogue that the WebSocket routes do not accept.</summary>
    public const string OtherScope = "other:read";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly DirectoryInfo _certificateDirectory = Directory.CreateTempSubdirectory("ws-cert-");
    private string _thumbprint = "";

    public UpstreamServer Upstream { get; } = new(longLived: true);

    public GatewayProcess Gateway { get; private set; } = null!;

    public AdminApiProcess Admin { get; private set; } = null!;

    /// <summary>The gateway's public HTTPS address.</summary>
    public Uri PublicAddress { get; private set; } = null!;

    /// <summary>The gateway's public plain-HTTP address (raw HTTP/1.1 tests).</summary>
    public Uri HttpAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Upstream.StartAsync(ct);
        var certificate = Path.Combine(_certificateDirectory.FullName, "gateway.pfx");
        _thumbprint = SelfSignedCertificate.Write(certificate);
        PublicAddress = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        HttpAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        Gateway = await GatewayProcess.StartAsync(Routes(Upstream.BaseAddress), new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"{PublicAddress.GetLeftPart(UriPartial.Authority)};{HttpAddress.GetLeftPart(UriPartial.Authority)}",
            ["Kestrel__Certificates__Default__Path"] = certificate,
            ["Kestrel__Certificates__Default__Password"] = SelfSignedCertificate.Password,
        }, ct);
        Admin = await AdminApiProcess.StartBesideAsync(Gateway, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (Admin is not null)
        {
            await Admin.DisposeAsync();
        }
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        await Upstream.DisposeAsync();
        _certificateDirectory.Delete(recursive: true);
    }

    /// <summary>Mints a key through the admin API; returns its id and plaintext.</summary>
    public async Task<(string Id, string Key)> MintAsync(string[] scopes, DateTimeOffset? expiresAt = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = Admin.CreateClient();
        using var created = await admin.PostAsync(new Uri("/v1/keys", UriKind.Relative), JsonContent(new Dictionary<string, object?>
        {
            ["name"] = "ws",
            ["workspaceId"] = "ws_e2e",
            ["scopes"] = scopes,
            ["expiresAt"] = expiresAt,
        }), ct);
        var body = await created.Content.ReadAsStringAsync(ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {body}");
        using var record = JsonDocument.Parse(body);
        return (record.RootElement.GetProperty("id").GetString()!, record.RootElement.GetProperty("key").GetString()!);
    }

    public async Task RevokeAsync(string id)
    {
        using var admin = Admin.CreateClient();
        using var revoked = await admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True(revoked.IsSuccessStatusCode, $"{revoked.StatusCode}");
    }

    /// <summary>A ClientWebSocket set up for <paramref name="version"/> (exact), sending <paramref name="key"/> if given.</summary>
    public static ClientWebSocket CreateSocket(Version version, string? key)
    {
        var socket = new ClientWebSocket();
        socket.Options.HttpVersion = version;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {key}");
        }
        return socket;
    }

    /// <summary>An invoker that trusts exactly the generated certificate (HTTP/2 WebSockets need one passed to ConnectAsync).</summary>
    public HttpMessageInvoker CreateInvoker() => new(CreateHandler());

    /// <summary>An HTTPS client for the gateway, sending <paramref name="key"/>.</summary>
    public HttpClient CreateHttpClient(string key)
    {
        var client = new HttpClient(CreateHandler()) { BaseAddress = PublicAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        return client;
    }

    private SocketsHttpHandler CreateHandler() => new()
    {
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), _thumbprint, StringComparison.OrdinalIgnoreCase),
        },
    };

    public Uri WebSocketUri(string path) => new($"wss://{PublicAddress.Authority}{path}");

    private static StringContent JsonContent(object value) =>
        new(JsonSerializer.Serialize(value, Web), System.Text.Encoding.UTF8, "application/json");

    private static string Routes(Uri upstream) => JsonSerializer.Serialize(new
    {
        ReverseProxy = new
        {
            Routes = new Dictionary<string, object>
            {
                ["ws"] = new
                {
                    ClusterId = "sockets",
                    Match = new { Path = "/v1/ws/{**rest}" },
                    Metadata = new Dictionary<string, string> { ["Scopes.GET"] = Scope, ["WebSockets"] = "true" },
                },
                ["ws-get-only"] = new
                {
                    ClusterId = "sockets",
                    Match = new { Path = "/v1/wsget/{**rest}", Methods = new[] { "GET" } },
                    Metadata = new Dictionary<string, string> { ["Scopes"] = Scope, ["WebSockets"] = "true" },
                },
                ["plain"] = new
                {
                    ClusterId = "sockets",
                    Match = new { Path = "/v1/plain/{**rest}" },
                    Metadata = new Dictionary<string, string> { ["Scopes"] = Scope },
                },
                ["other"] = new
                {
                    ClusterId = "sockets",
                    Match = new { Path = "/v1/other/{**rest}" },
                    Metadata = new Dictionary<string, string> { ["Scopes"] = OtherScope },
                },
                ["open"] = new
                {
                    ClusterId = "sockets",
                    Match = new { Path = "/v1/open/{**rest}" },
                    Metadata = new Dictionary<string, string> { ["Public"] = "true" },
                },
            },
            Clusters = new Dictionary<string, object>
            {
                ["sockets"] = new
                {
                    Destinations = new Dictionary<string, object> { ["d1"] = new { Address = upstream.ToString() } },
                    HttpRequest = new { ActivityTimeout = "00:05:00" },
                },
            },
        },
    });
}
