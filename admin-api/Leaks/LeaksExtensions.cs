using ApiGateway.Keys.Hosting;

namespace ApiGateway.AdminApi.Leaks;

internal static class LeaksExtensions
{
    /// <summary><c>Leaks:*</c> settings (validated at start), the reporter and GitHub's public keys.</summary>
    public static IHostApplicationBuilder AddLeakReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LeaksOptions, LeaksOptionsValidator>(LeaksOptions.SectionName);
        builder.Services.AddSingleton<LeakReporter>();
        builder.Services.AddSingleton<GitHubPublicKeys>();
        builder.Services.AddSingleton<GitHubReportGate>();
        return builder;
    }
}
