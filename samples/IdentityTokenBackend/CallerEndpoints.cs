using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.JsonWebTokens;

namespace IdentityTokenBackend;

internal static class CallerEndpoints
{
    public static IEndpointRouteBuilder MapCaller(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{**path}", CallerAsync).WithName("Caller");
        return app;
    }

    /// <summary>The verified identity; the key id comes from the token, never from a plain header.</summary>
    private static async Task<Ok<CallerIdentity>> CallerAsync(HttpContext context, ClaimsPrincipal user)
    {
        var token = await context.GetTokenAsync("access_token");
        return TypedResults.Ok(new CallerIdentity(
            user.FindFirstValue("sub")!,
            user.FindFirstValue("workspace_id")!,
            user.FindFirstValue("owner"),
            user.FindFirstValue("scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            user.FindFirstValue("mode")!,
            user.FindFirstValue("aud")!,
            new JsonWebToken(token).Kid));
    }
}

/// <param name="SignedWith">The <c>kid</c> of the gateway key that signed the token.</param>
internal sealed record CallerIdentity(string KeyId, string WorkspaceId, string? Owner, string[] Scopes, string Mode, string Audience, string SignedWith);
