namespace ApiGateway.Gateway.Hosting;

/// <summary>Marks an endpoint that answers only on the internal port (health, readiness, metrics).</summary>
internal sealed class InternalEndpointMetadata
{
    public static readonly InternalEndpointMetadata Instance = new();

    private InternalEndpointMetadata()
    {
    }
}
