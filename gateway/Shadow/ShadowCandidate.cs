using System.Collections.Frozen;
using System.Net;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Scopes;

namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// One loaded candidate routes file, deciding requests the live file already decided (docs/gateway.md "Shadow routes").
/// The candidate's verdict comes from the live code: <see cref="RouteAccessCheck"/> on the candidate route's
/// <see cref="RouteAccess"/>, parsed by the same <see cref="RouteAccessTable"/>; only differences are recorded.
/// </summary>
/// <remarks>
/// Which candidate route decides: when the candidate routes every request as the live file does (the same route ids
/// with the same <c>Match</c> and <c>Order</c>), the route with the live route's id, found by a lookup; a route whose
/// metadata is unchanged too is skipped without a check. Otherwise the request is matched in the candidate
/// (<see cref="ShadowRouteMatcher"/>), and no matching route there counts as a refusal.
/// </remarks>
internal sealed class ShadowCandidate
{
    private readonly FrozenDictionary<string, ShadowRoute>? _byLiveRoute;
    private readonly ShadowRouteMatcher? _matcher;
    private readonly RouteAccessCheck _check;
    private readonly ShadowDecisionRecorder _recorder;

    private ShadowCandidate(FrozenDictionary<string, ShadowRoute>? byLiveRoute, ShadowRouteMatcher? matcher, RouteAccessCheck check, ShadowDecisionRecorder recorder)
    {
        _byLiveRoute = byLiveRoute;
        _matcher = matcher;
        _check = check;
        _recorder = recorder;
    }

    /// <summary>True when requests are matched in the candidate because it routes differently from the live file.</summary>
    public bool MatchesRequests => _matcher is not null;

    public static ShadowCandidate SameRouting(FrozenDictionary<string, ShadowRoute> byLiveRoute, RouteAccessCheck check, ShadowDecisionRecorder recorder) =>
        new(byLiveRoute, null, check, recorder);

    public static ShadowCandidate OwnRouting(ShadowRouteMatcher matcher, RouteAccessCheck check, ShadowDecisionRecorder recorder) =>
        new(null, matcher, check, recorder);

    /// <summary>
    /// Decides the request under the candidate and records a difference from <paramref name="liveAllowed"/>, the live
    /// route access verdict (before limits: a 429 was still allowed by the routes).
    /// </summary>
    public void Observe(HttpContext http, CachedKey entry, RouteAccess live, IPAddress? clientIp, bool liveAllowed)
    {
        RouteAccess? candidate;
        if (_byLiveRoute is not null)
        {
            if (!_byLiveRoute.TryGetValue(live.RouteId, out var route))
            {
                candidate = null;
            }
            else if (ReferenceEquals(route.UnchangedFrom, live))
            {
                return; // same match, same metadata: the same decision
            }
            else
            {
                candidate = route.Access;
            }
        }
        else
        {
            candidate = _matcher!.Match(http);
        }
        var allowed = candidate is not null && (candidate.Policy.IsPublic || _check.Check(http, entry, candidate, clientIp).Problem is null);
        if (allowed != liveAllowed)
        {
            _recorder.Record(live.RouteId, entry.Key.Id, allowed ? ShadowOutcome.WouldAllow : ShadowOutcome.WouldRefuse);
        }
    }
}

/// <summary>A candidate route; <see cref="UnchangedFrom"/> is the live route's access when both route and metadata are the same.</summary>
internal sealed record ShadowRoute(RouteAccess Access, RouteAccess? UnchangedFrom);
