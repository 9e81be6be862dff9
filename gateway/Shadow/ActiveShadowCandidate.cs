namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// The candidate the key access step consults: set by <see cref="ShadowRoutes"/> when a good shadow file is read, null
/// while none is (unset, or no good version yet). Its own type so the hot path depends on one field, not on the loader.
/// </summary>
internal sealed class ActiveShadowCandidate
{
    private volatile ShadowCandidate? _current;

    public ShadowCandidate? Current
    {
        get => _current;
        set => _current = value;
    }
}
