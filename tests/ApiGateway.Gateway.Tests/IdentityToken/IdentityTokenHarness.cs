using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.IdentityToken;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApiGateway.Gateway.Tests.IdentityToken;

/// <summary>An issuer over real key files (<c>current.pem</c>, <c>next.pem</c>) in a temp directory, on a fake clock.</summary>
internal sealed class IdentityTokenHarness : IAsyncDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("identity-token-");

    private IdentityTokenHarness(int lifetimeSeconds)
    {
        CurrentPem = TestSigningKeys.NewPem();
        NextPem = TestSigningKeys.NewPem();
        TestSigningKeys.Write(CurrentPath, CurrentPem);
        TestSigningKeys.Write(NextPath, NextPem);
        Options = new IdentityTokenOptions { Enabled = true, LifetimeSeconds = lifetimeSeconds, SigningKeyFiles = [CurrentPath, NextPath] };
        Keys = new SigningKeys(Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<SigningKeys>.Instance);
        Issuer = new IdentityTokenIssuer(Keys, Clock, Microsoft.Extensions.Options.Options.Create(Options));
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public IdentityTokenOptions Options { get; }

    public SigningKeys Keys { get; }

    public IdentityTokenIssuer Issuer { get; }

    public string CurrentPath => Path.Combine(_dir.FullName, "current.pem");

    public string NextPath => Path.Combine(_dir.FullName, "next.pem");

    public string CurrentPem { get; }

    public string NextPem { get; }

    public static async Task<IdentityTokenHarness> StartAsync(int lifetimeSeconds = 60)
    {
        var harness = new IdentityTokenHarness(lifetimeSeconds);
        await harness.Keys.StartAsync(TestContext.Current.CancellationToken);
        return harness;
    }

    public static CachedKey Key(string[]? scopes = null, string? owner = "user_1", KeyMode mode = KeyMode.Live, DateTimeOffset? expiresAt = null, string id = "key_1") =>
        new(new ApiKey
        {
            Id = id,
            Name = "test",
            Prefix = "agw_live_0000000",
            Mode = mode,
            WorkspaceId = "ws_main",
            Workspaces = ["ws_other"],
            Owner = owner,
            Scopes = scopes ?? ["contacts:read", "invoices:*"],
            LineageId = "lin_1",
            CreatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = "adm_tests",
            ExpiresAt = expiresAt,
        }, new KeyHash(new byte[KeyHash.Size]), DateTimeOffset.UnixEpoch);

    /// <summary>Validates like a backend would: signature against the published JWKS, issuer, audience, lifetime on the fake clock.</summary>
    public async Task<TokenValidationResult> ValidateAsync(string token, string audience)
    {
        var jwks = new JsonWebKeySet(System.Text.Encoding.UTF8.GetString(Keys.Set.Jwks));
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Options.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) => expires > Clock.GetUtcNow().UtcDateTime,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Keys.StopAsync(CancellationToken.None);
        Keys.Dispose();
        _dir.Delete(recursive: true);
    }
}
