namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>Marks an endpoint that answers only on the forward-auth port (<c>POST /v1/verify</c>).</summary>
internal sealed class ForwardAuthEndpointMetadata
{
    public static readonly ForwardAuthEndpointMetadata Instance = new();

    private ForwardAuthEndpointMetadata()
    {
    }
}
