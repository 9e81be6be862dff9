using System.Net;
using System.Security.Cryptography;
using System.Text;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>A gateway with <c>Keys:ImportedKeyPattern</c> and a pepper: imported keys are still found by their plain SHA-256.</summary>
public sealed class ImportedKeysTests : IAsyncLifetime
{
    private const string InvalidToken = "Bearer realm=\"api\", error=\"invalid_token\"";
    private readonly GatewayFactory factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        factory.Settings["Keys:Pepper"] = "pepper-for-imported-key-tests";
        factory.Settings["Keys:ImportedKeyPattern"] = "sk_[A-Za-z0-9]{24}";
        return factory.InitializeAsync();
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task Request_ImportedKeyMatchingThePattern_FoundBySha256DespiteThePepper()
    {
        var token = "sk_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);
        var key = await ImportAsync(token);
        using var client = factory.CreateKeyClient(token);

        using var response = await client.GetAsync("/v1/contacts/7", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(factory.Upstream.Received, r => r.Path == "/v1/contacts/7" && r.Header("X-Api-Key-Id") == key.Id);
    }

    [Fact]
    public async Task Request_MintedKeyBesideThePattern_StillWorksWithThePepper()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("sk_AAAAAAAAAAAAAAAAAAAAAAA")]     // one short
    [InlineData("sk_AAAAAAAAAAAAAAAAAAAAAAAAA")]   // one long: the pattern is anchored to the whole token
    [InlineData("xsk_AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sk_AAAAAAAAAAAAAAAAAAAAAAA-")]
    [InlineData("pk_AAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Request_TokenMatchingNeitherFormat_Returns401MalformedWithoutLookup(string token)
    {
        await using var host = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddSingleton<IKeyStore>(sp => new GatedKeyStore(new KeyStore(sp.GetRequiredService<IStoreDialect>(), sp.GetRequiredService<TimeProvider>())))));
        var store = (GatedKeyStore)host.Services.GetRequiredService<IKeyStore>();
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {token}");

        using var response = await client.GetAsync("/v1/contacts/1", Ct);

        await ProblemAssert.HasAsync(response, 401, "Invalid API key format", "malformed-key", InvalidToken);
        Assert.Equal(0, store.Lookups);
    }

    private async Task<ApiKey> ImportAsync(string token)
    {
        var key = new ApiKey
        {
            Id = Ids.New("key"), Name = "imported", Prefix = token[..8], Mode = KeyMode.Live, WorkspaceId = "ws_main",
            Scopes = ["contacts:read"], LineageId = Ids.New("lin"), CreatedAt = factory.Clock.GetUtcNow(), CreatedBy = GatewayFactory.TestActor.Id,
        };
        var hash = new KeyHash(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        // Straight through the store's write steps: no mint makes a key from another system's secret.
        await factory.Services.GetRequiredService<IKeyWriteStore>().WriteAsync(async writer =>
        {
            await writer.InsertKeyAsync(new NewKey(key, hash));
            await writer.AppendChangeAsync(key.Id);
            return true;
        }, Ct);
        return key;
    }
}
