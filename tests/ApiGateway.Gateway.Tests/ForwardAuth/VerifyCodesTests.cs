using ApiGateway.Gateway.ForwardAuth;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.ForwardAuth;

public sealed class VerifyCodesTests
{
    public static TheoryData<string, string> ProblemCodes => new()
    {
        { nameof(GatewayProblems.MissingCredential), VerifyCodes.Invalid },
        { nameof(GatewayProblems.MalformedKey), VerifyCodes.Invalid },
        { nameof(GatewayProblems.InvalidKey), VerifyCodes.Invalid },
        { nameof(GatewayProblems.ExpiredKey), VerifyCodes.Expired },
        { nameof(GatewayProblems.DisabledKey), VerifyCodes.Disabled },
        { nameof(GatewayProblems.IpNotAllowed), VerifyCodes.IpDenied },
        { nameof(GatewayProblems.WorkspaceNotAllowed), VerifyCodes.WorkspaceDenied },
        { nameof(GatewayProblems.AmbiguousWorkspace), VerifyCodes.WorkspaceDenied },
        { nameof(GatewayProblems.InsufficientScope), VerifyCodes.InsufficientScope },
        { nameof(GatewayProblems.KeyStoreUnavailable), VerifyCodes.StoreUnavailable },
        { nameof(GatewayProblems.TooManyInvalidKeys), VerifyCodes.RateLimited },
        { nameof(GatewayProblems.TestKeyNotAllowed), VerifyCodes.Invalid },
    };

    [Theory]
    [MemberData(nameof(ProblemCodes))]
    public void For_EachRefusalOfTheSharedChecks_ItsDocumentedCode(string problem, string code)
    {
        var refusal = (GatewayProblem)typeof(GatewayProblems).GetField(problem)!.GetValue(null)!;

        Assert.Equal(code, VerifyCodes.For(refusal));
    }

    [Theory]
    [InlineData(nameof(RateLimitRefusal.None), VerifyCodes.Valid)]
    [InlineData(nameof(RateLimitRefusal.Rate), VerifyCodes.RateLimited)]
    [InlineData(nameof(RateLimitRefusal.DailyQuota), VerifyCodes.UsageExceeded)]
    [InlineData(nameof(RateLimitRefusal.MonthlyQuota), VerifyCodes.UsageExceeded)]
    [InlineData(nameof(RateLimitRefusal.BackendUnavailable), VerifyCodes.StoreUnavailable)]
    public void For_EachRateLimitOutcome_ItsDocumentedCode(string refusal, string code)
    {
        Assert.Equal(code, VerifyCodes.For(Enum.Parse<RateLimitRefusal>(refusal)));
    }
}
