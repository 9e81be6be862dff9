namespace ApiGateway.Gateway.Tests.IdentityToken;

/// <summary>The real gateway (<see cref="GatewayFactory"/>) with identity tokens on, signing with two key files.</summary>
public sealed class IdentityTokenGatewayFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("identity-gateway-");

    public GatewayFactory Gateway { get; } = new();

    public string CurrentPem { get; } = TestSigningKeys.NewPem();

    public string NextPem { get; } = TestSigningKeys.NewPem();

    public async ValueTask InitializeAsync()
    {
        var current = Path.Combine(_dir.FullName, "current.pem");
        var next = Path.Combine(_dir.FullName, "next.pem");
        TestSigningKeys.Write(current, CurrentPem);
        TestSigningKeys.Write(next, NextPem);
        Gateway.Settings["Gateway:IdentityToken:Enabled"] = "true";
        Gateway.Settings["Gateway:IdentityToken:SigningKeyFiles"] = $"{current},{next}";
        await Gateway.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}
