using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.IdentityToken;

/// <summary>
/// The real gateway with identity tokens on (signing key files <c>current.pem</c> then <c>next.pem</c>) in front of the
/// sample backend (<c>samples/IdentityTokenBackend</c>) as a real process, verifying with the gateway's JWKS. Routes:
/// <c>/v1/backend</c> to cluster <c>backend</c> (the sample's audience) and <c>/v1/other</c> to cluster <c>other</c>,
/// the same process under another cluster id, so the gateway's token there is for another audience.
/// </summary>
public sealed class GatewayWithBackend : IAsyncDisposable
{
    public const string Scope = "backend:read";
    public const string Audience = "backend";

    private static readonly string BackendDll = typeof(GatewayWithBackend).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "IdentityTokenBackendDll").Value!;

    private readonly DirectoryInfo _keys;

    private GatewayWithBackend(DirectoryInfo keys, GatewayProcess gateway, ChildProcess backend, Uri backendAddress)
    {
        _keys = keys;
        Gateway = gateway;
        Backend = backend;
        BackendAddress = backendAddress;
    }

    public GatewayProcess Gateway { get; }

    public ChildProcess Backend { get; }

    public Uri BackendAddress { get; }

    public string CurrentKeyFile => Path.Combine(_keys.FullName, "current.pem");

    public string NextKeyFile => Path.Combine(_keys.FullName, "next.pem");

    public static string NewPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Replaces a key file the way a deploy tool does: write aside, then rename over it.</summary>
    public static void Replace(string path, string pem)
    {
        var temp = path + ".new";
        File.WriteAllText(temp, pem);
        File.Move(temp, path, overwrite: true);
    }

    public static async Task<GatewayWithBackend> StartAsync(string currentPem, string nextPem, CancellationToken cancellationToken)
    {
        var keys = Directory.CreateTempSubdirectory("identity-keys-");
        Replace(Path.Combine(keys.FullName, "current.pem"), currentPem);
        Replace(Path.Combine(keys.FullName, "next.pem"), nextPem);
        var backendAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        GatewayProcess? gateway = null;
        try
        {
            gateway = await GatewayProcess.StartAsync(Routes(backendAddress), new Dictionary<string, string>
            {
                ["Gateway__IdentityToken__Enabled"] = "true",
                // Traffic flows for the length of a rotation: a tier that never refuses.
                ["RateLimits__DefaultTier"] = "bulk",
                ["RateLimits__Tiers__bulk__Limit"] = "1000000",
                ["RateLimits__Tiers__bulk__PeriodSeconds"] = "1",
                ["RateLimits__Tiers__bulk__Daily"] = "1000000000000",
                ["Gateway__IdentityToken__SigningKeyFiles"] = $"{Path.Combine(keys.FullName, "current.pem")},{Path.Combine(keys.FullName, "next.pem")}",
            }, cancellationToken);
            var backend = ChildProcess.Start("identity-backend", "dotnet", [BackendDll], keys.FullName, new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = backendAddress.GetLeftPart(UriPartial.Authority),
                ["GatewayIdentity__JwksUrl"] = new Uri(gateway.InternalAddress, "/.well-known/jwks.json").ToString(),
                ["GatewayIdentity__Audience"] = Audience,
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            });
            var stack = new GatewayWithBackend(keys, gateway, backend, backendAddress);
            await stack.WaitForBackendAsync(cancellationToken);
            return stack;
        }
        catch
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }
            keys.Delete(recursive: true);
            throw;
        }
    }

    public HttpClient CreateBackendClient() => new() { BaseAddress = BackendAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Signs a token like the gateway's, with any key, claims and times: forged, expired or foreign ones.</summary>
    public static string SignToken(string pem, string audience, DateTimeOffset issuedAt, DateTimeOffset expires, string? kid = null)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        var securityKey = new ECDsaSecurityKey(key);
        securityKey.KeyId = kid ?? Base64UrlEncoder.Encode(securityKey.ComputeJwkThumbprint());
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "api-gateway",
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = "key_forged", ["workspace_id"] = "ws_x", ["scope"] = "*", ["mode"] = "live" },
            SigningCredentials = new SigningCredentials(securityKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public static string KeyIdOf(string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return Base64UrlEncoder.Encode(new ECDsaSecurityKey(key).ComputeJwkThumbprint());
    }

    /// <summary>The kids the gateway publishes now.</summary>
    public async Task<string[]> PublishedKeyIdsAsync(CancellationToken cancellationToken)
    {
        using var client = Gateway.CreateInternalClient();
        using var jwks = JsonDocument.Parse(await client.GetStringAsync(new Uri("/.well-known/jwks.json", UriKind.Relative), cancellationToken));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        await Gateway.DisposeAsync();
        _keys.Delete(recursive: true);
    }

    private static string Routes(Uri backend) => JsonSerializer.Serialize(new
    {
        ReverseProxy = new
        {
            Routes = new Dictionary<string, object>
            {
                ["backend"] = new { ClusterId = "backend", Match = new { Path = "/v1/backend/{**rest}" }, Metadata = new Dictionary<string, string> { ["Scopes"] = Scope } },
                ["other"] = new { ClusterId = "other", Match = new { Path = "/v1/other/{**rest}" }, Metadata = new Dictionary<string, string> { ["Scopes"] = Scope } },
            },
            Clusters = new Dictionary<string, object>
            {
                ["backend"] = new { Destinations = new Dictionary<string, object> { ["d1"] = new { Address = backend.ToString() } } },
                ["other"] = new { Destinations = new Dictionary<string, object> { ["d1"] = new { Address = backend.ToString() } } },
            },
        },
    });

    private Task WaitForBackendAsync(CancellationToken cancellationToken) =>
        Backend.WaitUntilHealthyAsync(new Uri(BackendAddress, "/healthz"), TimeSpan.FromSeconds(60), cancellationToken);
}
