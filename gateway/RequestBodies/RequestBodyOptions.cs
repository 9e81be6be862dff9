namespace ApiGateway.Gateway.RequestBodies;

/// <summary>The global request body limit (the <c>Gateway</c> section; docs/gateway.md "Request bodies").</summary>
internal sealed class RequestBodyOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest request body in bytes on a route without its own YARP <c>MaxRequestBodySize</c> (and on the internal port).</summary>
    public long MaxRequestBodySize { get; set; } = 30_000_000;
}
