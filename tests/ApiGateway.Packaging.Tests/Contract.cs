namespace ApiGateway.Packaging.Tests;

/// <summary>The names the contract fixes (README "Configuration", docs/gateway.md, docs/metrics.md): settings, ports, metrics. Packaging must use exactly these.</summary>
internal static class Contract
{
    /// <summary>The settings table, as environment variable names.</summary>
    public static readonly string[] Settings =
    [
        "Urls", "ASPNETCORE_URLS", "Gateway__InternalUrl", "ConnectionStrings__KeyStore", "Gateway__RoutesFile", "Gateway__WorkspaceHeader",
        "Admin__BootstrapKey", "Keys__Prefix", "Keys__Pepper", "Keys__MaxActivePerOwner", "Auth__StaleSeconds", "Gateway__TrustedProxies",
        "Metrics__MaxKeyLabels", "KeyStore__Provider", "RateLimits__Redis",
        "Gateway__IdentityToken__Enabled", "Gateway__IdentityToken__Issuer", "Gateway__IdentityToken__LifetimeSeconds",
        "Gateway__IdentityToken__SigningKeyFiles",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "Admin__TrustedProxies", "Admin__BootstrapKeyFile",
    ];

    public const int GatewayPort = 8080;
    public const int GatewayInternalPort = 9091;
    public const int AdminPort = 8081;
    public const int UpstreamPort = 5080;

    /// <summary>Metric name to its labels ("Metrics (gateway internal port)").</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Metrics = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["gateway_requests_total"] = ["key_id", "route", "status"],
        ["gateway_auth_failures_total"] = ["reason"],
        ["gateway_rate_limited_total"] = ["key_id"],
        ["gateway_shadow_decisions_total"] = ["route", "outcome"],
        ["gateway_request_duration_seconds_bucket"] = ["route", "le"],
        ["gateway_request_duration_seconds_sum"] = ["route"],
        ["gateway_request_duration_seconds_count"] = ["route"],
    };
}
