using ApiGateway.Gateway.Transforms;

namespace ApiGateway.Gateway.Tests.Transforms;

public sealed class ClientHeaderFilterTests
{
    private readonly ClientHeaderFilter _filter = new("X-Tenant");

    [Theory]
    [InlineData("X-Tenant")]
    [InlineData("x_tenant")]
    [InlineData("X-Api-Key-Id")]
    [InlineData("X_Api_Key_Owner")]
    [InlineData("x-api-key-mode")]
    [InlineData("X-Api-Key-Token")]
    [InlineData("X_API_KEY_TOKEN")]
    [InlineData("X-Api-Key-Anything")]
    [InlineData("X-Api_Key-Scopes")]
    [InlineData("Authorization")]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("X_HTTP_Method_Override")]
    [InlineData("x_method_override")]
    [InlineData("X-Original-URL")]
    [InlineData("X_Rewrite_URL")]
    [InlineData("X-Forwarded-Method")]
    [InlineData("X-Forwarded-Uri")]
    [InlineData("X-Method")]
    [InlineData("x_method")]
    public void Strips_IdentityOrOverrideHeaderAnySpelling_EvenFromTrustedProxy(string name)
    {
        Assert.True(_filter.Strips(name, fromTrustedProxy: false));
        Assert.True(_filter.Strips(name, fromTrustedProxy: true));
    }

    [Theory]
    [InlineData("Forwarded")]
    [InlineData("X-Real-IP")]
    [InlineData("x-real-ip")]
    [InlineData("X-Forwarded-For")]
    [InlineData("X-Forwarded-Host")]
    [InlineData("X-Forwarded-Proto")]
    [InlineData("X-Forwarded-Port")]
    [InlineData("X-Forwarded-Anything")]
    [InlineData("X-Original-Forwarded-For")]
    [InlineData("True-Client-IP")]
    [InlineData("CF-Connecting-IP")]
    [InlineData("X-Client-IP")]
    [InlineData("X-Forwarded")]
    [InlineData("Forwarded-For")]
    [InlineData("X-Originating-IP")]
    [InlineData("X-Remote-IP")]
    [InlineData("X-Remote-Addr")]
    [InlineData("X-ProxyUser-Ip")]
    [InlineData("X-Envoy-External-Address")]
    [InlineData("X-Envoy-Internal")]
    [InlineData("X-Appengine-User-Ip")]
    [InlineData("X-Host")]
    [InlineData("X-Url-Scheme")]
    [InlineData("Front-End-Https")]
    [InlineData("X-Forwarded-Server")]
    [InlineData("X-Cluster-Client-Ip")]
    [InlineData("WL-Proxy-Client-IP")]
    [InlineData("Proxy-Client-IP")]
    [InlineData("X-ARR-ClientCert")]                 // ASP.NET Core certificate forwarding's default header
    [InlineData("X-Arr-Ssl")]
    [InlineData("X-Client-Cert")]
    [InlineData("X-SSL-Client-Cert")]
    [InlineData("X-SSL-Client-Verify")]
    [InlineData("Ssl-Client-Cert")]
    [InlineData("X-MS-CLIENT-PRINCIPAL")]
    [InlineData("X-Ms-Client-Principal-Name")]
    [InlineData("X-Ms-Client-Principal-Id")]
    [InlineData("X-MS-TOKEN-AAD-ID-TOKEN")]
    [InlineData("X-Amzn-Oidc-Identity")]
    [InlineData("X-Amzn-Oidc-Data")]
    [InlineData("X-Auth-Request-User")]
    [InlineData("X-Auth-Request-Email")]
    [InlineData("X-Remote-User")]
    [InlineData("Remote-User")]
    [InlineData("X-Goog-Authenticated-User-Email")]
    [InlineData("X-Goog-Authenticated-User-Id")]
    [InlineData("Cf-Access-Authenticated-User-Email")]
    [InlineData("X-Consumer-Username")]
    [InlineData("X-Webauth-User")]
    public void Strips_ForwardingHeader_OnlyFromUntrustedPeer(string name)
    {
        Assert.True(_filter.Strips(name, fromTrustedProxy: false));
        Assert.False(_filter.Strips(name, fromTrustedProxy: true));
    }

    [Theory]
    [InlineData("X_Forwarded_For")]
    [InlineData("X_Real_IP")]
    [InlineData("True_Client_IP")]
    [InlineData("X-Forwarded_Host")]
    [InlineData("X_Originating_IP")]
    [InlineData("X_ProxyUser_Ip")]
    [InlineData("X_Envoy_External_Address")]
    [InlineData("Front_End_Https")]
    [InlineData("X_ARR_ClientCert")]
    [InlineData("X_Client_Cert")]
    [InlineData("X_MS_CLIENT_PRINCIPAL_NAME")]
    [InlineData("X_Amzn_Oidc_Identity")]
    [InlineData("X_Auth_Request_User")]
    [InlineData("X_Remote_User")]
    [InlineData("Remote_User")]
    [InlineData("X_Goog_Authenticated_User_Email")]
    public void Strips_ForwardingHeaderSpelledWithUnderscore_EvenFromTrustedProxy(string name) =>
        Assert.True(_filter.Strips(name, fromTrustedProxy: true));

    [Theory]
    [InlineData("X-Workspace-Id")] // not the configured header here: an ordinary header
    [InlineData("Accept")]
    [InlineData("Content-Type")]
    [InlineData("X-Request-Id")]
    [InlineData("X_Custom_Thing")]
    [InlineData("X-Api-Keys")]
    [InlineData("X-Hostname")]
    [InlineData("traceparent")]
    public void Strips_OrdinaryHeader_Kept(string name) =>
        Assert.False(_filter.Strips(name, fromTrustedProxy: false));
}
