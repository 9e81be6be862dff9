namespace ApiGateway.AdminApi.Hosting;

internal static class ListenAddressExtensions
{
    /// <summary>Loopback by default: the admin API is an operator tool.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8081";

    /// <summary>
    /// <c>Urls</c> and <c>ASPNETCORE_URLS</c> decide where the admin API listens (docs/admin-api.md "Running it"); only when neither is set does
    /// it fall back to <see cref="DefaultUrls"/>. The default lives in code, not in appsettings.json, because a <c>Urls</c>
    /// entry there would silently override <c>ASPNETCORE_URLS</c> (host variables are read before appsettings.json).
    /// </summary>
    public static WebApplicationBuilder UseDefaultUrlsUnlessConfigured(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }
        return builder;
    }
}
