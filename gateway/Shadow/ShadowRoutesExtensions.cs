namespace ApiGateway.Gateway.Shadow;

internal static class ShadowRoutesExtensions
{
    /// <summary>
    /// <c>Gateway:ShadowRoutesFile</c>: the candidate routes file evaluated beside the live one, its differences counted
    /// (docs/gateway.md "Shadow routes"). Registered whether or not the file is set; unset, it costs the key access step
    /// one null check.
    /// </summary>
    public static WebApplicationBuilder AddShadowRoutes(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ShadowDecisionRecorder>();
        builder.Services.AddSingleton<ShadowReport>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{Hosting.GatewayOptions.SectionName}:{nameof(Hosting.GatewayOptions.ShadowRoutesFile)}"]))
        {
            builder.Services.AddHostedService<ShadowReportFlushService>();
        }
        builder.Services.AddSingleton<ActiveShadowCandidate>();
        builder.Services.AddSingleton<ShadowRoutes>();
        builder.Services.AddSingleton<Yarp.ReverseProxy.Configuration.IConfigChangeListener>(sp => sp.GetRequiredService<ShadowRoutes>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ShadowRoutes>());
        return builder;
    }
}
