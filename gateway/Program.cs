using ApiGateway.Gateway.Access;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.ForwardAuth;
using ApiGateway.Gateway.Health;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.IdentityToken;
using ApiGateway.Gateway.Metrics;
using ApiGateway.Gateway.Proxy;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Gateway.RequestBodies;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Shadow;
using ApiGateway.Gateway.Tracing;
using ApiGateway.Gateway.WebSockets;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayHosting();          // Hosting/: options, public URLs + Gateway:InternalUrl, listener separation
builder.AddRequestContext();          // Requests/: the client address (trusted proxies) and the per-request ApiKeyRequestFeature
builder.AddTrustedProxyForwardedHeaders(); // Hosting/: Gateway:TrustedProxies also governs X-Forwarded-Proto/-Host
builder.AddApiKeyAuthentication();    // Authentication/: key store, cache, change-feed poller, Bearer key verifier
builder.AddRouteScopes();             // Scopes/: IP/workspace/mode/scope checks, route validation
builder.AddGatewayProxy();            // Proxy/ + Transforms/: YARP from the routes file, identity headers, circuit breakers
builder.AddShadowRoutes();            // Shadow/: Gateway:ShadowRoutesFile decided beside the live routes, differences counted
builder.AddIdentityTokens();          // IdentityToken/: X-Api-Key-Token (ES256 JWT) for backends, signing keys, JWKS
builder.AddRequestBodyLimits();       // RequestBodies/: Gateway:MaxRequestBodySize, route limits (applied on reload too)
builder.AddKeyRateLimits();           // RateLimiting/: tiers, per-lineage GCRA + quotas, persisted in batches
builder.AddGatewayTelemetry();        // Metrics/, Usage/: per-host Prometheus registry, per-key usage batched into the store
builder.AddForwardAuth();             // ForwardAuth/: Gateway:ForwardAuthUrl questions from other proxies, POST /v1/verify
builder.AddGatewayTracing();          // Tracing/: OTLP traces + metrics only when OTEL_EXPORTER_OTLP_ENDPOINT is set

var app = builder.Build();
app.UseForwardedHeaders();            // from Gateway:TrustedProxies only: their X-Forwarded-Proto/-Host become Request.Scheme/Host
app.UseHttp2WebSocketsAsGet();        // an HTTP/2 WebSocket handshake (extended CONNECT) routes and is checked as its HTTP/1.1 GET
app.UseGatewayTelemetry();            // counts every public request, refused ones included, and records key usage
app.UseForwardAuthQuestions();        // forward-auth port: the question becomes the request it asks about (X-Forwarded-Method/-Uri)
app.UseUnsupportedMethodsRefused();   // junk or lower-case methods: 405/501 before any routing, auth or label (docs/security.md)
app.UseAmbiguousPathsRefused();       // ';', '//', '%25', '\', controls, NFKC forms...: 400 before routing, never forwarded
app.UseRouting();
app.UseUnmatchedRoutesNotFound();     // no route matched: 404 problem, never forwarded, no key needed
app.UseQueryStringKeysRefused();      // ?api_key=… and friends: 400 on every route, public ones included
app.UseUpgradesRefused();             // upgrades only as WebSockets on "WebSockets": "true" routes, else 400 (docs/gateway.md "Protocols")
app.UseRequestBodyLimits();           // the route's body limit; a declared length over it: 413 before any key lookup or upstream
app.UseKeyAccess();                   // Access/: key → route access (IP, workspace, mode, scope) → limits (429 + RateLimit headers)
app.UseForwardAuthAnswers();          // forward-auth port: an admitted question is answered 200 + identity headers, not proxied

var internalEndpoints = app.MapInternalEndpoints(); // /healthz, /readyz (internal port only)
internalEndpoints.MapGatewayMetrics();             // /metrics, internal port only
internalEndpoints.MapIdentityTokenKeys();          // /.well-known/jwks.json when identity tokens are on
app.MapForwardAuthVerify();           // POST /v1/verify, forward-auth port only
app.MapGatewayProxy();
app.Run();
