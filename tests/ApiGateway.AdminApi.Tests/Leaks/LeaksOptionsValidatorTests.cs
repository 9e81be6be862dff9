using ApiGateway.AdminApi.Leaks;

namespace ApiGateway.AdminApi.Tests.Leaks;

public sealed class LeaksOptionsValidatorTests
{
    [Theory]
    [InlineData("revoke", true)]
    [InlineData("flag", true)]
    [InlineData("Revoke", false)]
    [InlineData("delete", false)]
    [InlineData("", false)]
    public void Validate_Action_OnlyRevokeOrFlag(string action, bool valid)
    {
        var result = new LeaksOptionsValidator().Validate(null, new LeaksOptions { Action = action });
        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Leaks:Action", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
