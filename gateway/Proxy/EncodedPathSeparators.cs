using ApiGateway.Gateway.Problems;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Refuses paths that still hold an encoded separator after Kestrel decoded them: <c>%2F</c> (Kestrel keeps it
/// encoded), <c>%5C</c>, and <c>%2E</c>/<c>%2F</c> that arrived double-encoded (<c>%252F</c>), and backslashes. The gateway matches
/// routes and checks scopes on the decoded path; an upstream that decodes once more, or treats <c>%2F</c> as
/// <c>/</c>, would see <c>/v1/contacts/..%2Fadmin</c> as <c>/v1/admin</c>, past the wrong scope check. Like Apache's
/// <c>AllowEncodedSlashes Off</c> and Envoy's <c>REJECT_REQUEST</c>: 400, never forwarded.
/// </summary>
internal static class EncodedPathSeparators
{
    public static IApplicationBuilder UseEncodedPathSeparatorsRefused(this IApplicationBuilder app) =>
        app.Use((context, next) => Contains(context.Request.Path.Value)
            ? GatewayProblems.WriteAsync(context, GatewayProblems.EncodedPathSeparator)
            : next(context));

    public static bool Contains(ReadOnlySpan<char> path)
    {
        if (path.Contains('\\'))
        {
            return true; // a literal or %5C-decoded backslash: a separator on Windows upstreams and some frameworks
        }
        for (var i = path.IndexOf('%'); i >= 0 && i + 2 < path.Length; i = Next(path, i))
        {
            var hi = path[i + 1];
            var lo = char.ToUpperInvariant(path[i + 2]);
            if ((hi == '2' && lo is 'F' or 'E') || (hi == '5' && lo == 'C'))
            {
                return true;
            }
        }
        return false;
    }

    private static int Next(ReadOnlySpan<char> path, int i)
    {
        var next = path[(i + 1)..].IndexOf('%');
        return next < 0 ? -1 : i + 1 + next;
    }
}
