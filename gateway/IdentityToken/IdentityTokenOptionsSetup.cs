using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.IdentityToken;

/// <summary>Accepts <c>Gateway:IdentityToken:SigningKeyFiles</c> as one comma-separated string too (an environment variable).</summary>
internal sealed class IdentityTokenOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<IdentityTokenOptions>
{
    public void PostConfigure(string? name, IdentityTokenOptions options)
    {
        options.SigningKeyFiles = CommaSeparatedSetting.Read(
            configuration, $"{IdentityTokenOptions.SectionName}:{nameof(IdentityTokenOptions.SigningKeyFiles)}", options.SigningKeyFiles);
    }
}
