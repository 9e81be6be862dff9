using ApiGateway.Keys.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApiGateway.AdminApi.Authentication;

internal static class AdminAuthenticationExtensions
{
    /// <summary>Bearer admin credentials, the failed sign-in throttle (shared with the console), role policies, and authentication required for everything not marked anonymous.</summary>
    public static IHostApplicationBuilder AddAdminAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SignInThrottleOptions, SignInThrottleOptionsValidator>(SignInThrottleOptions.SectionName);
        builder.Services.TryAddSingleton<SignInThrottle>();
        builder.Services.TryAddSingleton<FailedSignInAudit>();
        builder.Services.AddAuthentication(AdminCredentialHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AdminCredentialHandler>(AdminCredentialHandler.SchemeName, configureOptions: null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicies.ManageKeys, policy => policy.RequireRole(AdminRole.Owner.ToWire(), AdminRole.Admin.ToWire()))
            .AddPolicy(AdminPolicies.ManageAdmins, policy => policy.RequireRole(AdminRole.Owner.ToWire()))
            .AddPolicy(AdminPolicies.ImportKeys, policy => policy.RequireRole(AdminRole.Owner.ToWire()));
        return builder;
    }
}
