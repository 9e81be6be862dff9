using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Scopes;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>
/// <c>Gateway:ForwardAuthUrl</c>: the edge's decision offered to other proxies and to code (docs/forward-auth.md). The
/// listener itself is added by <see cref="GatewayListeners"/>, its requests kept apart by <see cref="ListenerMatcherPolicy"/>.
/// </summary>
internal static class ForwardAuthExtensions
{
    public static WebApplicationBuilder AddForwardAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ForwardAuthAnswers>();
        builder.Services.AddSingleton<VerifyEndpoint>();
        return builder;
    }

    /// <summary>
    /// After the key access step: a question on a route that every check admitted is answered here instead of being
    /// proxied. Requests on other ports, and <c>/v1/verify</c>, go on.
    /// </summary>
    public static IApplicationBuilder UseForwardAuthAnswers(this IApplicationBuilder app)
    {
        var port = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.ForwardAuthPort;
        if (port < 0)
        {
            return app;
        }
        var answers = app.ApplicationServices.GetRequiredService<ForwardAuthAnswers>();
        return app.Use((context, next) =>
            context.Connection.LocalPort == port && context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>() is { } access
                ? answers.AnswerAsync(context, access)
                : next(context));
    }

    /// <summary><c>POST /v1/verify</c>, answering only on the forward-auth port (<see cref="ForwardAuthEndpointMetadata"/>).</summary>
    public static IEndpointRouteBuilder MapForwardAuthVerify(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.ForwardAuthPort >= 0)
        {
            var verify = endpoints.ServiceProvider.GetRequiredService<VerifyEndpoint>();
            endpoints.MapPost(VerifyEndpoint.Path, verify.HandleAsync).WithMetadata(ForwardAuthEndpointMetadata.Instance);
        }
        return endpoints;
    }
}
