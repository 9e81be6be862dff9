using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.IdentityToken;

/// <summary>Accepts <c>Gateway:IdentityToken:SigningKeyFiles</c> as one comma-separated string too (an environment variable).</summary>
internal sealed class IdentityTokenOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<IdentityTokenOptions>
{
    public void PostConfigure(string? name, IdentityTokenOptions options)
    {
        var scalar = configuration[$"{IdentityTokenOptions.SectionName}:{nameof(IdentityTokenOptions.SigningKeyFiles)}"];
        if (!string.IsNullOrWhiteSpace(scalar))
        {
            options.SigningKeyFiles = [.. scalar.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
    }
}
