using System.Security.Claims;
using ApiGateway.AdminApi.Authentication;
using ApiGateway.AdminApi.Bootstrap;
using ApiGateway.AdminApi.Scopes;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Portal;

namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// <c>POST /v1/portal-sessions</c> (owners and admins): the SaaS backend opens a self-serve key page for one of its
/// users and gets a one-time start URL to send the browser to (docs/portal.md).
/// </summary>
internal static class PortalSessionsEndpoints
{
    public static IEndpointRouteBuilder MapPortalSessions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/portal-sessions", CreateAsync).WithName("CreatePortalSession").WithTags("Portal")
            .WithSummary("Open a self-serve key page session for one of your users (a one-time start URL)")
            .RequireAuthorization(AdminPolicies.ManageKeys)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    internal static async Task<Results<Created<CreatedPortalSession>, ValidationProblem>> CreateAsync(
        CreatePortalSessionRequest request, ClaimsPrincipal user, HttpRequest http, ScopeCatalogueSource catalogue,
        PortalSessionStore sessions, IOptions<AdminOptions> admin, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var valid = PortalSessionRules.Validate(request, catalogue.Current, errors);
        if (valid is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var actor = user.ToActor();
        var now = time.GetUtcNow();
        var session = new PortalSession
        {
            Id = Ids.New("ps"),
            WorkspaceId = valid.WorkspaceId,
            Owner = valid.Owner,
            DisplayName = valid.DisplayName,
            AllowedScopes = valid.AllowedScopes,
            ReturnUrl = valid.ReturnUrl,
            CreatedBy = actor.Id,
            CreatedAt = now,
            TtlSeconds = valid.TtlSeconds,
            TokenExpiresAt = now.AddSeconds(valid.TtlSeconds),
        };
        var token = PortalToken.New();
        await sessions.CreateAsync(session, PortalToken.Hash(token), actor, cancellationToken);
        var url = $"{PublicBase(admin.Value, http)}{PortalExtensions.BasePath}/start/{token}";
        return TypedResults.Created((string?)null, new CreatedPortalSession(url, session.TokenExpiresAt));
    }

    /// <summary><c>Admin:PublicUrl</c> when set (behind a proxy the request's own base is the proxy's view), else this request's base.</summary>
    private static string PublicBase(AdminOptions admin, HttpRequest http) =>
        string.IsNullOrWhiteSpace(admin.PublicUrl)
            ? $"{http.Scheme}://{http.Host}{http.PathBase}"
            : admin.PublicUrl.TrimEnd('/');
}
