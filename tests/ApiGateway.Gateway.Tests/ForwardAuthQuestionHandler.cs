using Microsoft.AspNetCore.Http;

namespace ApiGateway.Gateway.Tests;

/// <summary>How a request reaches the gateway's decision: through the edge, or as a forward-auth question about it.</summary>
public enum GatewayEntry
{
    Edge,
    ForwardAuth,
}

/// <summary>Which proxy's question headers: Traefik and Caddy send <c>X-Forwarded-*</c>, nginx <c>X-Original-*</c>, Envoy the request itself.</summary>
public enum ForwardAuthDialect
{
    Traefik,
    Nginx,
    Envoy,
}

/// <summary>
/// Turns each request into the forward-auth question a proxy in front would ask about it: <c>GET /auth</c> (without
/// body) carrying the original method and target in the dialect's headers and every original header (Authorization,
/// X-Workspace-Id, X-Forwarded-For...), as nginx's <c>auth_request</c> and Traefik's ForwardAuth do.
/// </summary>
public sealed class ForwardAuthQuestionHandler(ForwardAuthDialect dialect, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string QuestionPath = "/auth";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (dialect != ForwardAuthDialect.Envoy)
        {
            var (methodHeader, uriHeader) = Headers(dialect);
            request.Headers.TryAddWithoutValidation(methodHeader, request.Method.Method);
            request.Headers.TryAddWithoutValidation(uriHeader, request.RequestUri!.PathAndQuery);
            request.Method = HttpMethod.Get;
            request.RequestUri = new Uri(request.RequestUri, QuestionPath);
            request.Content = null;
        }
        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The same, on a TestServer request being built.</summary>
    public static void AskAbout(HttpRequest request, ForwardAuthDialect dialect)
    {
        if (dialect == ForwardAuthDialect.Envoy)
        {
            return;
        }
        var (methodHeader, uriHeader) = Headers(dialect);
        request.Headers[methodHeader] = request.Method;
        request.Headers[uriHeader] = request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        request.Method = HttpMethods.Get;
        request.Path = QuestionPath;
        request.QueryString = QueryString.Empty;
    }

    private static (string Method, string Uri) Headers(ForwardAuthDialect dialect) => dialect == ForwardAuthDialect.Nginx
        ? ("X-Original-Method", "X-Original-URI")
        : ("X-Forwarded-Method", "X-Forwarded-Uri");
}
