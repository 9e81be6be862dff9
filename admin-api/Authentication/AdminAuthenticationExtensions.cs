using ApiGateway.Keys.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace ApiGateway.AdminApi.Authentication;

internal static class AdminAuthenticationExtensions
{
    /// <summary>Bearer admin credentials, role policies, and authentication required for everything not marked anonymous.</summary>
    public static IHostApplicationBuilder AddAdminAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(AdminCredentialHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AdminCredentialHandler>(AdminCredentialHandler.SchemeName, configureOptions: null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicies.ManageKeys, policy => policy.RequireRole(AdminRole.Owner.ToWire(), AdminRole.Admin.ToWire()))
            .AddPolicy(AdminPolicies.ManageAdmins, policy => policy.RequireRole(AdminRole.Owner.ToWire()));
        return builder;
    }
}
