using System.Net.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// What the start of one forward says about its upstream, for the circuit breaker: <c>false</c> when the upstream is
/// unhealthy (it could not be connected to, named or spoken TLS to; it did not answer headers in time; or it answered
/// a 5xx status the cluster lists in <c>CircuitBreaker.FailureStatuses</c>), <c>true</c> when it answered, and
/// <c>null</c> when the forward failed for a reason of the request's own (headers that cannot be sent, a client body
/// that broke or stalled, a client that left, a transform that threw...): that says nothing about the upstream, so
/// one tenant's odd requests never open the circuit for everyone. docs/gateway.md "Upstream".
/// </summary>
internal static class UpstreamHealth
{
    /// <summary>Cluster metadata: the comma-separated 5xx statuses that count as failures (none by default).</summary>
    public const string FailureStatusesKey = "CircuitBreaker.FailureStatuses";

    public static bool? Judge(HttpContext context, HttpResponseMessage? response, ClusterConfig? cluster)
    {
        if (response is not null)
        {
            var status = (int)response.StatusCode;
            return status < 500 || !ListsStatus(cluster?.Metadata, status);
        }
        if (context.Features.Get<IForwarderErrorFeature>() is not { } error)
        {
            return null;
        }
        return error.Error switch
        {
            ForwarderError.Request => IsUnreachable(error.Exception) ? false : null,
            // A timeout while the client may still be sending its body could be the client's slowness, not the upstream's.
            ForwarderError.RequestTimedOut => context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true ? null : false,
            _ => null,
        };
    }

    /// <summary>The failure statuses in a cluster's metadata; problems are added to <paramref name="errors"/> when given.</summary>
    public static IReadOnlyList<int> FailureStatuses(IReadOnlyDictionary<string, string>? metadata, ICollection<string>? errors = null)
    {
        if (metadata is null || !TryGet(metadata, out var text))
        {
            return [];
        }
        var statuses = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status) && status is >= 500 and <= 599)
            {
                statuses.Add(status);
            }
            else
            {
                errors?.Add($"Metadata '{FailureStatusesKey}' must list 5xx status codes (e.g. '502,503,504'), not '{part}'.");
            }
        }
        if (statuses.Count == 0 && errors is not null && !text.Split(',').Any(p => p.Trim().Length > 0))
        {
            errors.Add($"Metadata '{FailureStatusesKey}' lists no status.");
        }
        return statuses;
    }

    private static bool ListsStatus(IReadOnlyDictionary<string, string>? metadata, int status) =>
        metadata is not null && TryGet(metadata, out _) && FailureStatuses(metadata).Contains(status);

    private static bool TryGet(IReadOnlyDictionary<string, string> metadata, out string text)
    {
        foreach (var (key, value) in metadata)
        {
            if (string.Equals(key, FailureStatusesKey, StringComparison.OrdinalIgnoreCase))
            {
                text = value;
                return true;
            }
        }
        text = "";
        return false;
    }

    /// <summary>The upstream could not be reached at all: DNS, TCP connect or TLS failed. Never caused by the request's content.</summary>
    private static bool IsUnreachable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError })
            {
                return true;
            }
        }
        return false;
    }
}
