namespace ApiGateway.AdminApi.Leaks;

internal static class LeaksExtensions
{
    /// <summary><c>Leaks:*</c> settings (validated at start), the reporter and GitHub's public keys.</summary>
    public static IHostApplicationBuilder AddLeakReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LeaksOptions>().BindConfiguration(LeaksOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LeaksOptions>, LeaksOptionsValidator>();
        builder.Services.AddSingleton<LeakReporter>();
        builder.Services.AddSingleton<GitHubPublicKeys>();
        builder.Services.AddSingleton<GitHubReportGate>();
        return builder;
    }
}
