using System.Text.Json.Serialization;

namespace ApiGateway.AdminApi.Json;

internal static class AdminJsonExtensions
{
    /// <summary>
    /// camelCase, UTC times with <c>Z</c>, and strict reading: an unknown property is a 400 naming it, so a typo
    /// (<c>"scope"</c> for <c>"scopes"</c>) never silently mints a key without what was meant.
    /// </summary>
    public static IHostApplicationBuilder AddAdminJson(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            var json = options.SerializerOptions;
            json.TypeInfoResolverChain.Insert(0, AdminJsonContext.Default);
            json.Converters.Add(new UtcTimestampConverter());
            json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.NumberHandling = JsonNumberHandling.Strict;
            json.AllowTrailingCommas = false;
        });
        return builder;
    }
}
