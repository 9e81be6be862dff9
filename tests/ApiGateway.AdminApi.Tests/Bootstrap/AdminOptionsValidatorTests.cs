using ApiGateway.AdminApi.Bootstrap;

namespace ApiGateway.AdminApi.Tests.Bootstrap;

public sealed class AdminOptionsValidatorTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("https://keys.example.com", true)]
    [InlineData("https://example.com/keys/", true)]
    [InlineData("http://127.0.0.1:8081", true)]
    [InlineData("keys.example.com", false)]
    [InlineData("ftp://keys.example.com", false)]
    [InlineData("https://keys.example.com/?a=1", false)]
    [InlineData("https://user:pw@keys.example.com", false)]
    public void Validate_AdminPublicUrl_AbsoluteHttpWithoutQuery(string? value, bool valid)
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { PublicUrl = value });
        Assert.Equal(valid, result.Succeeded);
    }
}
