namespace ApiGateway.Gateway.Authentication;

internal static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string KeyIdClaim = "key_id";
}
