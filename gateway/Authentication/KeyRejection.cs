using ApiGateway.Gateway.Problems;
using Microsoft.AspNetCore.Authentication;

namespace ApiGateway.Gateway.Authentication;

/// <summary>Carries the <see cref="GatewayProblem"/> an authentication failure answers with, from the handler to its challenge.</summary>
internal sealed class KeyRejectionException(GatewayProblem problem) : Exception(problem.Title)
{
    public GatewayProblem Problem { get; } = problem;
}

/// <summary>Cached failure results: a refusal allocates nothing.</summary>
internal static class KeyRejections
{
    public static readonly AuthenticateResult Malformed = Fail(GatewayProblems.MalformedKey);
    public static readonly AuthenticateResult Invalid = Fail(GatewayProblems.InvalidKey);
    public static readonly AuthenticateResult Expired = Fail(GatewayProblems.ExpiredKey);
    public static readonly AuthenticateResult StoreUnavailable = Fail(GatewayProblems.KeyStoreUnavailable);
    public static readonly AuthenticateResult TooManyInvalidKeys = Fail(GatewayProblems.TooManyInvalidKeys);

    private static AuthenticateResult Fail(GatewayProblem problem) => AuthenticateResult.Fail(new KeyRejectionException(problem));
}
