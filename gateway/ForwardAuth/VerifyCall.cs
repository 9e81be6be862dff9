using Microsoft.AspNetCore.Http.Features;

namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>
/// Marks a forward-auth request that is a <c>POST /v1/verify</c> call rather than a question about another request.
/// Decided once, from the listener's own request before the question step rewrites it (<see cref="ForwardAuthQuestions"/>):
/// its method and raw target exactly <c>POST /v1/verify</c> (no other spelling routing would fold onto it) and no question
/// header. Only a marked request may reach the verify endpoint (<see cref="Hosting.ListenerMatcherPolicy"/>), so a
/// question about <c>/v1/verify</c> is judged like any other path: 404, never a verify answer whose 200 a proxy that
/// forwards the body would take as "allowed" (docs/forward-auth.md).
/// </summary>
internal sealed class VerifyCall
{
    private static readonly VerifyCall Instance = new();

    private VerifyCall()
    {
    }

    public static bool IsMarked(HttpContext context) => context.Features.Get<VerifyCall>() is not null;

    /// <summary>Marks the request when it is a verify call; call before anything rewrites it.</summary>
    public static void MarkIfVerifyCall(HttpContext context, bool hasQuestionHeaders)
    {
        if (!hasQuestionHeaders && HttpMethods.IsPost(context.Request.Method)
            && string.Equals(OwnRawPath(context), VerifyEndpoint.Path, StringComparison.Ordinal))
        {
            context.Features.Set(Instance);
        }
    }

    /// <summary>The path as the caller sent it (Kestrel's raw target, before decoding), without the query.</summary>
    private static string OwnRawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            return context.Request.PathBase.Add(context.Request.Path).Value ?? string.Empty;
        }
        var mark = target.IndexOf('?', StringComparison.Ordinal);
        return mark < 0 ? target : target[..mark];
    }
}
