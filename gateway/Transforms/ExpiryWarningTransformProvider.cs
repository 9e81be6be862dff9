using System.Globalization;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Requests;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Transforms;

/// <summary>
/// <c>Api-Key-Expires: 2026-01-08T00:00:00Z</c> on a forwarded response when the request's key expires within
/// <c>Auth:ExpiryWarningDays</c> (docs/gateway.md "Expiry warnings"), so integrators see the end coming. A response
/// transform runs only on what the upstream answered: the gateway's own refusals (401, 403, 429, ...) never carry it.
/// Any client or upstream copy is replaced, so the header always tells the truth about the key that was used.
/// </summary>
internal sealed class ExpiryWarningTransformProvider(IOptions<AuthOptions> options, TimeProvider time) : ITransformProvider
{
    public const string HeaderName = "Api-Key-Expires";

    private const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private readonly TimeSpan _window = TimeSpan.FromDays(options.Value.ExpiryWarningDays);

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddResponseTransform(transform =>
        {
            var response = transform.HttpContext.Response;
            // An upstream must not be able to announce an expiry (or hide one): its copy never passes.
            response.Headers.Remove(HeaderName);
            if (_window > TimeSpan.Zero
                && transform.HttpContext.Features.Get<ApiKeyRequestFeature>() is { Key.ExpiresAt: { } expiresAt }
                && expiresAt - time.GetUtcNow() <= _window)
            {
                response.Headers[HeaderName] = expiresAt.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
            }
            return ValueTask.CompletedTask;
        });
    }
}
