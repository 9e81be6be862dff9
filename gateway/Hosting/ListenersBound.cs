namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Whether Kestrel has bound every listener. It binds them one after another and serves each as soon as it is bound,
/// and the internal one (<see cref="GatewayListeners.InternalEndpoint"/>) sorts before <c>GatewayPublic0</c> and most
/// operator endpoint names, so <c>/healthz</c> could answer while a public listener was still being bound, or was about
/// to fail to bind and stop the process. The host's <c>ApplicationStarted</c> fires only once the server has started,
/// that is, once every listener is bound (docs/gateway.md "Health").
/// </summary>
internal sealed class ListenersBound(CancellationToken applicationStarted)
{
    public ListenersBound(IHostApplicationLifetime lifetime)
        : this(lifetime.ApplicationStarted)
    {
    }

    public bool IsTrue => applicationStarted.IsCancellationRequested;
}
